import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, io } from '../../src/index.js';
import { seeded, uniform } from '../helpers.js';
import { buildFile, bytesOf, headerOf } from './support.js';

const F32x2 = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
const EIGHT = [0, 0, 128, 63, 0, 0, 0, 64]; // 1.0f, 2.0f

/** Parsing must throw a plain Error whose message starts with 'safetensors:' and matches `pattern`. */
function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => io.parseSafetensors(bytes),
    (e: unknown) => {
      assert.ok(e instanceof Error && e.constructor === Error, `expected a plain Error, got ${String(e)}`);
      assert.ok(e.message.startsWith('safetensors: '), e.message);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test('framing: too short, header length too large or past the end', () => {
  rejects(new Uint8Array(0), /the file is 0 byte\(s\) long, shorter than the 8-byte header length/);
  rejects(new Uint8Array(7), /the file is 7 byte\(s\) long/);
  rejects(buildFile('{}', [], 100_000_001), /header length is 100000001 bytes, more than the 100000000-byte limit/);
  rejects(buildFile('{}', [], 2n ** 63n), /header length is 9223372036854776000 bytes, more than/);
  rejects(buildFile('{}', [], 3), /header length is 3 bytes, but only 2 bytes follow the length field/);
  rejects(io.serializeSafetensors({ a: tensor([1, 2]) }).subarray(0, 40), /header length is \d+ bytes, but only 32 bytes follow/);
  rejects('not bytes' as unknown as Uint8Array, /expected the file's bytes as a Uint8Array, got the string "not bytes"/);
});

test('header: invalid UTF-8, invalid JSON, not an object', () => {
  rejects(buildFile(new Uint8Array([0x7b, 0xff, 0x7d])), /the header is not valid UTF-8/);
  rejects(buildFile(new Uint8Array([0x7b, 0x22, 0xc3, 0x22, 0x7d])), /not valid UTF-8/); // truncated sequence
  rejects(buildFile('{"a":'), /the header is not valid JSON \(/);
  rejects(buildFile(''), /not valid JSON/);
  rejects(buildFile('\ufeff{}'), /not valid JSON/); // a byte-order mark is not JSON whitespace
  rejects(buildFile('[]'), /the header must be a JSON object, got an array/);
  rejects(buildFile('null'), /must be a JSON object, got null/);
  rejects(buildFile('3'), /must be a JSON object, got the number 3/);
  rejects(buildFile('"{}"'), /must be a JSON object, got the string "{}"/);
});

test('entries: not objects, missing or unexpected fields, wrong types', () => {
  rejects(buildFile(headerOf({ a: 3 })), /tensor 'a': expected an object \{ dtype, shape, data_offsets \}, got the number 3/);
  rejects(buildFile(headerOf({ a: [] })), /tensor 'a': expected an object .* got an array/);
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    const entry: Record<string, unknown> = { ...F32x2 };
    delete entry[field];
    rejects(buildFile(headerOf({ w: entry }), EIGHT), new RegExp(`tensor 'w': missing field '${field}'`));
  }
  rejects(buildFile(headerOf({ a: { ...F32x2, offsets: [0, 8] } }), EIGHT), /tensor 'a': unexpected field 'offsets'/);
  rejects(buildFile(headerOf({ a: { ...F32x2, dtype: 5 } }), EIGHT), /tensor 'a': dtype must be a string, got the number 5/);
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: '2' } }), EIGHT), /tensor 'a': shape must be an array of integers, got the string "2"/);
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: null } }), EIGHT), /tensor 'a': shape must be an array of integers, got null/);
  rejects(buildFile(headerOf({ a: { ...F32x2, data_offsets: [0] } }), EIGHT), /tensor 'a': data_offsets must be an array \[begin, end\], got an array/);
  rejects(buildFile(headerOf({ a: { ...F32x2, data_offsets: { 0: 0, 1: 8 } } }), EIGHT), /tensor 'a': data_offsets must be an array/);
  rejects(buildFile(headerOf({ a: { ...F32x2, data_offsets: ['0', 8] } }), EIGHT), /tensor 'a': data_offsets\[0\] must be a non-negative integer, got the string "0"/);
  rejects(buildFile(headerOf({ a: { ...F32x2, data_offsets: [0, 8.5] } }), EIGHT), /tensor 'a': data_offsets\[1\] must be a non-negative integer, got the number 8.5/);
  rejects(buildFile(headerOf({ a: { ...F32x2, data_offsets: [-8, 0] } }), EIGHT), /data_offsets\[0\] must be a non-negative integer, got the number -8/);
  rejects(buildFile(headerOf({ a: { ...F32x2, data_offsets: [0, 2 ** 60] } }), EIGHT), /data_offsets\[1\] must be a non-negative integer/);
});

test('dtypes: unknown, and known but unsupported', () => {
  rejects(buildFile(headerOf({ a: { ...F32x2, dtype: 'F33' } }), EIGHT), /tensor 'a': unknown dtype "F33"/);
  rejects(buildFile(headerOf({ a: { ...F32x2, dtype: 'f32' } }), EIGHT), /tensor 'a': unknown dtype "f32"/);
  rejects(buildFile(headerOf({ a: { ...F32x2, dtype: 'F8_E4M3' } }), EIGHT), /tensor 'a': dtype F8_E4M3 is not supported \(Tessera reads BOOL/);
  rejects(buildFile(headerOf({ a: { ...F32x2, dtype: 'C64' } }), EIGHT), /tensor 'a': dtype C64 is not supported/);
  rejects(buildFile(headerOf({ a: { ...F32x2, dtype: '__proto__' } }), EIGHT), /unknown dtype "__proto__"/);
});

test('shapes: negative, fractional, non-numeric, too large, not matching the byte size', () => {
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: [-2] } }), EIGHT), /tensor 'a': shape\[0\] must be a non-negative integer, got the number -2/);
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: [1, 1.5] } }), EIGHT), /tensor 'a': shape\[1\] must be a non-negative integer, got the number 1.5/);
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: ['2'] } }), EIGHT), /shape\[0\] must be a non-negative integer, got the string "2"/);
  rejects(buildFile('{"a":{"dtype":"F32","shape":[1e400],"data_offsets":[0,8]}}', EIGHT), /shape\[0\] must be a non-negative integer, got the number Infinity/);
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: [2 ** 40, 2 ** 40] } }), EIGHT), /tensor 'a': shape \[1099511627776, 1099511627776\] is too large/);
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: [3] } }), EIGHT), /tensor 'a': data_offsets \[0, 8\] span 8 bytes, but F32 with shape \[3\] needs 12/);
  rejects(buildFile(headerOf({ a: { ...F32x2, shape: [] } }), EIGHT), /span 8 bytes, but F32 with shape \[\] needs 4/);
  rejects(buildFile(headerOf({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }), EIGHT), /tensor 'a': .* F64 with shape \[2\] needs 16/);
  // A zero dim makes the size 0 even next to huge dims.
  const empty = io.parseSafetensors(buildFile(headerOf({ a: { dtype: 'F32', shape: [2 ** 52, 0], data_offsets: [0, 0] } })));
  assert.deepEqual(empty.tensors['a']!.shape, [2 ** 52, 0]);
});

test('offsets: out of range, reversed, overlapping, gaps, not covering the data exactly', () => {
  rejects(buildFile(headerOf({ a: F32x2 }), EIGHT.slice(0, 4)), /tensor 'a': data_offsets \[0, 8\] go past the end of the data section \(4 bytes; truncated file\?\)/);
  rejects(buildFile(headerOf({ a: { ...F32x2, data_offsets: [8, 0] } }), EIGHT), /tensor 'a': data_offsets \[8, 0\] end before they begin/);
  const a4 = { dtype: 'F32', shape: [1] };
  rejects(buildFile(headerOf({ a: { ...a4, data_offsets: [0, 4] }, b: { ...a4, data_offsets: [2, 6] } }), EIGHT), /tensor 'b': data_offsets \[2, 6\] overlap tensor 'a' \[0, 4\]/);
  rejects(buildFile(headerOf({ a: { ...a4, data_offsets: [0, 4] }, b: { ...a4, data_offsets: [0, 4] } }), EIGHT.slice(0, 4)), /tensor 'b': data_offsets \[0, 4\] overlap tensor 'a'/);
  rejects(buildFile(headerOf({ a: { ...a4, data_offsets: [0, 4] }, b: { ...a4, data_offsets: [6, 10] } }), [...EIGHT, 0, 0]), /tensor 'b': data_offsets \[6, 10\] leave a gap of 2 byte\(s\) after tensor 'a' \(which ends at 4\)/);
  rejects(buildFile(headerOf({ a: { ...a4, data_offsets: [4, 8] } }), EIGHT), /tensor 'a': data_offsets \[4, 8\] leave a gap of 4 byte\(s\) after the start of the data section/);
  rejects(buildFile(headerOf({ a: { ...a4, data_offsets: [0, 4] } }), EIGHT), /the tensors cover 4 byte\(s\) of the data section, but it holds 8/);
  rejects(buildFile('{}', [1]), /the tensors cover 0 byte\(s\) of the data section, but it holds 1/);
  // Entries listed out of offset order are fine; so are zero-size tensors sharing an offset.
  const ok = io.parseSafetensors(
    buildFile(headerOf({ b: { ...a4, data_offsets: [4, 8] }, e1: { dtype: 'I32', shape: [0], data_offsets: [4, 4] }, a: { ...a4, data_offsets: [0, 4] }, e2: { dtype: 'BOOL', shape: [0, 3], data_offsets: [4, 4] } }), EIGHT),
  );
  assert.deepEqual(Array.from(ok.tensors['a']!.toArray()), [1]);
  assert.deepEqual(Array.from(ok.tensors['b']!.toArray()), [2]);
  assert.deepEqual(ok.tensors['e2']!.shape, [0, 3]);
});

test('duplicates: tensor names, __metadata__, keys inside an entry or the metadata', () => {
  const entry = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
  rejects(buildFile(`{"a":${entry},"a":${entry}}`, EIGHT.slice(0, 4)), /duplicate tensor name 'a' in the header/);
  rejects(buildFile(`{"a\\u0062":${entry},"ab":${entry}}`, EIGHT.slice(0, 4)), /duplicate tensor name 'ab'/); // escapes decode first
  rejects(buildFile(`{"__metadata__":{},"a":${entry},"__metadata__":{"x":"y"}}`, EIGHT.slice(0, 4)), /the header has two __metadata__ entries/);
  rejects(buildFile(`{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, EIGHT.slice(0, 4)), /tensor 'a': duplicate key 'dtype'/);
  rejects(buildFile(`{"__metadata__":{"k":"1","k":"2"}}`), /__metadata__ has two entries named 'k'/);
  // The same key in different objects, and braces or quotes inside strings, are not duplicates.
  const ok = io.parseSafetensors(buildFile(`{"__metadata__":{"dtype":"{\\"a\\":1}","a":"}"},"a":${entry}}`, EIGHT.slice(0, 4)));
  assert.deepEqual(ok.metadata, { dtype: '{"a":1}', a: '}' });
});

test('metadata: must be an object of strings (null reads as none)', () => {
  rejects(buildFile('{"__metadata__":{"k":1}}'), /__metadata__ entry 'k' must be a string, got the number 1/);
  rejects(buildFile('{"__metadata__":{"k":{"nested":"x"}}}'), /__metadata__ entry 'k' must be a string, got an object/);
  rejects(buildFile('{"__metadata__":["x"]}'), /__metadata__ must be an object of strings, got an array/);
  rejects(buildFile('{"__metadata__":"x"}'), /__metadata__ must be an object of strings/);
  assert.deepEqual(io.parseSafetensors(buildFile('{"__metadata__":null}')).metadata, {});
  assert.deepEqual(io.parseSafetensors(buildFile('{"__metadata__":{"__proto__":"p"}}')).metadata, JSON.parse('{"__proto__":"p"}'));
});

test('values that do not fit: BOOL bytes other than 0/1, 64-bit and U32 integers outside int32', () => {
  rejects(buildFile(headerOf({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }), [1, 0, 2]), /tensor 'm': element 2 is 2, which is not a valid BOOL \(0 or 1\)/);
  const i64 = bytesOf(new BigInt64Array([1n, 2n ** 31n]));
  rejects(buildFile(headerOf({ big: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }), i64), /tensor 'big': element 1 is 2147483648, which does not fit int32 \(I64 is read as int32\)/);
  const neg = bytesOf(new BigInt64Array([-(2n ** 31n) - 1n]));
  rejects(buildFile(headerOf({ n: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }), neg), /tensor 'n': element 0 is -2147483649/);
  const u64 = bytesOf(new BigUint64Array([2n ** 64n - 1n]));
  rejects(buildFile(headerOf({ u: { dtype: 'U64', shape: [], data_offsets: [0, 8] } }), u64), /tensor 'u': element 0 is 18446744073709551615/);
  const u32 = bytesOf(new Uint32Array([2 ** 31]));
  rejects(buildFile(headerOf({ u: { dtype: 'U32', shape: [1], data_offsets: [0, 4] } }), u32), /tensor 'u': element 0 is 2147483648, which does not fit int32 \(U32/);
});

test('fuzz: 2,000 seeded mutations and truncations either parse or throw a safetensors: Error', () => {
  const data = [...bytesOf(new Uint16Array([0x3c00, 0xc000])), ...bytesOf(new BigInt64Array([5n, -7n])), 1, 0];
  const extra = buildFile(
    headerOf({
      __metadata__: { k: 'v', '{"x"': ']' },
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      l: { dtype: 'I64', shape: [2, 1], data_offsets: [4, 20] },
      b: { dtype: 'BOOL', shape: [2], data_offsets: [20, 22] },
    }),
    data,
  );
  const written = io.serializeSafetensors({ w: uniform([3, 2], { seed: 3 }), i: tensor([1, 2, 3], { dtype: 'int32' }), d: tensor(new Float64Array([0.5])), m: tensor([true]), s: tensor(1) }, { note: 'x' });
  const bases = [written, extra];
  const special = [...'{}[]":,\\0123456789-e. '].map((c) => c.charCodeAt(0));
  const rng = seeded(20240611);
  const pick = (n: number): number => Math.floor(rng() * n);
  let parsed = 0;
  let rejected = 0;
  const kinds = new Set<string>();
  for (let iter = 0; iter < 2000; iter++) {
    const base = bases[iter % bases.length]!;
    let bytes = base.slice();
    const mutations = 1 + pick(3);
    for (let m = 0; m < mutations; m++) {
      const kind = pick(9);
      if (kind >= 7) {
        const { dataStart } = io.parseSafetensorsHeader(base); // a data byte: usually still a valid file
        if (bytes.length > dataStart) bytes[dataStart + pick(bytes.length - dataStart)] = pick(256);
      } else if (kind === 0) bytes = bytes.slice(0, pick(bytes.length + 1)); // truncate
      else if (kind === 1 && bytes.length > 0) bytes[pick(bytes.length)] = pick(256); // random byte anywhere
      else if (kind === 2 && bytes.length > 8) bytes[8 + pick(bytes.length - 8)] = special[pick(special.length)]!; // JSON-significant byte
      else if (kind === 3 && bytes.length >= 8) bytes[pick(8)] = pick(256); // header length field
      else if (kind === 4 && bytes.length > 0) bytes[pick(bytes.length)] ^= 1 << pick(8); // bit flip
      else if (kind === 5) {
        const at = pick(bytes.length + 1); // insert a byte
        bytes = new Uint8Array([...bytes.subarray(0, at), pick(256), ...bytes.subarray(at)]);
      } else if (bytes.length > 0) {
        const at = pick(bytes.length); // delete a byte
        bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
      }
    }
    try {
      const { tensors } = io.parseSafetensors(bytes);
      for (const t of Object.values(tensors)) assert.equal(t.toArray().length, t.numel);
      parsed++;
    } catch (e) {
      if (!(e instanceof Error) || e.constructor !== Error || !e.message.startsWith('safetensors: ')) {
        assert.fail(`iteration ${iter}: escaped ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
      }
      rejected++;
      kinds.add(e.message.replace(/'[^']*'|"[^"]*"|\[[^\]]*\]|\(.*\)|-?\d+(\.\d+)?(e[+-]?\d+)?/g, '_'));
    }
  }
  // Both outcomes occur and many different checks fire, so the loop explored more than one path.
  assert.ok(parsed > 100 && rejected > 1000, `parsed ${parsed}, rejected ${rejected}`);
  assert.ok(kinds.size >= 12, `only ${kinds.size} kinds of error:\n${[...kinds].join('\n')}`);
});
