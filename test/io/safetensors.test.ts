import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tensor, zeros, io, Tensor } from '../../src/index.js';
import { nonContiguous, randomInts, uniform } from '../helpers.js';
import { buildFile, bytesOf, headerOf, tempDir } from './support.js';

function assertSameTensor(actual: Tensor | undefined, expected: Tensor, name: string): void {
  assert.ok(actual instanceof Tensor, `${name} missing`);
  assert.equal(actual.dtype, expected.dtype, `${name} dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${name} shape`);
  assert.deepEqual(Array.from(actual.toArray()), Array.from(expected.toArray()), `${name} values`);
}

test('round trip of every written dtype, 0-d and empty tensors, with metadata', () => {
  const tensors: Record<string, Tensor> = {
    f32: uniform([3, 4], { seed: 1 }),
    f64: uniform([2, 2, 2], { seed: 2, dtype: 'float64' }),
    i32: randomInts([5], -1000, 1000, 3),
    bool: tensor([[true, false, true], [false, false, true]]),
    scalarF32: tensor(-2.5),
    scalarI32: tensor(7, { dtype: 'int32' }),
    scalarBool: tensor(true),
    emptyF32: zeros([0]),
    emptyF64: zeros([3, 0, 2], { dtype: 'float64' }),
    emptyBool: zeros([0, 4], { dtype: 'bool' }),
    specials: tensor(new Float32Array([Infinity, -Infinity, NaN, -0, 1e-45, 3.4028234663852886e38])),
  };
  const metadata = { format: 'pt', note: 'héllo "quoted" ✓', empty: '' };
  const out = io.parseSafetensors(io.serializeSafetensors(tensors, metadata));
  assert.deepEqual(out.metadata, metadata);
  assert.deepEqual(Object.keys(out.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) assertSameTensor(out.tensors[name], t, name);
  assert.ok(Object.is(out.tensors['specials']!.toArray()[3], -0), '-0 keeps its sign');
});

test('non-contiguous views and Maps are written by value; awkward names survive', () => {
  const base = uniform([4, 3], { seed: 5 });
  const tensors = new Map<string, Tensor>([
    ['t', base.transpose(0, 1)],
    ['strided', nonContiguous(uniform([3, 2], { seed: 6 }))],
    ['0', tensor([1, 2])],
    ['__proto__', tensor([3])],
    ['layer.0.weight', tensor([[4]])],
    ['', tensor([5])],
    ['ünï "cödé"', tensor([6])],
  ]);
  const out = io.parseSafetensors(io.serializeSafetensors(tensors));
  assert.equal(Object.keys(out.tensors).length, tensors.size);
  for (const [name, t] of tensors) assertSameTensor(Object.hasOwn(out.tensors, name) ? out.tensors[name] : undefined, t.contiguous(), name);
  assert.equal(Object.getPrototypeOf(out.tensors), Object.prototype, 'a tensor named __proto__ does not become the prototype');
});

test('exact bytes of a small hand-worked file', () => {
  const bytes = io.serializeSafetensors({ m: tensor([true]), a: tensor([1, -2]) });
  // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"m":{"dtype":"BOOL","shape":[1],"data_offsets":[8,9]}}
  // is 108 bytes; padded with 4 spaces to 112 so the data starts at 8 + 112 = 120, a multiple of 8.
  const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"m":{"dtype":"BOOL","shape":[1],"data_offsets":[8,9]}}';
  assert.equal(header.length, 108);
  assert.equal(bytes.length, 8 + 112 + 9);
  assert.deepEqual(Array.from(bytes.subarray(0, 8)), [112, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(new TextDecoder().decode(bytes.subarray(8, 120)), `${header}    `);
  // 1.0f = 0x3f800000, -2.0f = 0xc0000000, little-endian; then the bool byte.
  assert.deepEqual(Array.from(bytes.subarray(120)), [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x01]);
});

test('tensors are ordered F64, F32, I32, BOOL then by name: every tensor starts aligned to its element size', () => {
  const bytes = io.serializeSafetensors({
    z: tensor([true, false, true]),
    b: tensor([1, 2, 3], { dtype: 'int32' }),
    a: tensor([1.5]),
    c: tensor(new Float64Array([1, 2])),
    y: tensor(new Float64Array([3])),
  });
  const { entries, dataStart } = io.parseSafetensorsHeader(bytes);
  assert.deepEqual(entries.map((e) => [e.name, e.dtype, e.begin, e.end]), [
    ['c', 'F64', 0, 16],
    ['y', 'F64', 16, 24],
    ['a', 'F32', 24, 28],
    ['b', 'I32', 28, 40],
    ['z', 'BOOL', 40, 43],
  ]);
  assert.equal(dataStart % 8, 0);
  for (const e of entries) assert.equal(e.begin % { F64: 8, F32: 4, I32: 4, BOOL: 1 }[e.dtype as 'F64'], 0, e.name);
});

// Written by Python: safetensors.torch.save_file({'w': tensor([[1.,2.,3.],[4.,5.,6.]]), 'b': tensor([1, 2],
// dtype=int32), 'm': tensor([True, False]), 'd': tensor([1.5], dtype=float64), 's': tensor(3.), 'e': zeros(0)},
// 'f', metadata={'a': 'b'}) with safetensors 0.8.0 and PyTorch 1.13.
const PYTHON_FILE =
  'aAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMCw4XX0sImUiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzBdLCJkYXRhX29mZnNldHMiOls4LDhdfSwicyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbOCwxMl19LCJ3Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDNdLCJkYXRhX29mZnNldHMiOlsxMiwzNl19LCJiIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMzYsNDRdfSwibSI6eyJkdHlwZSI6IkJPT0wiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls0NCw0Nl19fSAgICAgICAAAAAAAAD4PwAAQEAAAIA/AAAAQAAAQEAAAIBAAACgQAAAwEABAAAAAgAAAAEA';

test('a file written by the reference Python implementation: read exactly, and written back byte for byte', () => {
  const pyBytes = new Uint8Array(Buffer.from(PYTHON_FILE, 'base64'));
  const { tensors, metadata } = io.parseSafetensors(pyBytes);
  assert.deepEqual(metadata, { a: 'b' });
  assertSameTensor(tensors['w'], tensor([[1, 2, 3], [4, 5, 6]]), 'w');
  assertSameTensor(tensors['b'], tensor([1, 2], { dtype: 'int32' }), 'b');
  assertSameTensor(tensors['m'], tensor([true, false]), 'm');
  assertSameTensor(tensors['d'], tensor(new Float64Array([1.5])), 'd');
  assertSameTensor(tensors['s'], tensor(3), 's');
  assertSameTensor(tensors['e'], zeros([0]), 'e');
  assert.deepEqual(Array.from(io.serializeSafetensors(tensors, metadata)), Array.from(pyBytes));
});

test('read-only dtypes convert as documented (hand-built bytes)', () => {
  const parts: [string, string, number[], number[]][] = [
    // name, dtype, shape, bytes
    ['f16', 'F16', [6], bytesOf(new Uint16Array([0x3c00, 0xb800, 0x7bff, 0x0001, 0x7c00, 0xfc00]))], // 1, -0.5, 65504, 2^-24, inf, -inf
    ['f16nan', 'F16', [1], bytesOf(new Uint16Array([0x7e00]))],
    ['bf16', 'BF16', [3], bytesOf(new Uint16Array([0x3f80, 0xc049, 0x7f80]))], // 1, -3.140625, inf
    ['i64', 'I64', [4], bytesOf(new BigInt64Array([-(2n ** 31n), 2n ** 31n - 1n, 0n, -5n]))],
    ['u64', 'U64', [2], bytesOf(new BigUint64Array([0n, 2n ** 31n - 1n]))],
    ['u32', 'U32', [2], bytesOf(new Uint32Array([0, 2 ** 31 - 1]))],
    ['u8', 'U8', [3], [0, 255, 17]],
    ['i8', 'I8', [2], bytesOf(new Int8Array([-128, 127]))],
    ['i16', 'I16', [2], bytesOf(new Int16Array([-32768, 32767]))],
    ['u16', 'U16', [1], bytesOf(new Uint16Array([65535]))],
  ];
  const header: Record<string, unknown> = {};
  const data: number[] = [];
  for (const [name, dtype, shape, bytes] of parts) {
    header[name] = { dtype, shape, data_offsets: [data.length, data.length + bytes.length] };
    data.push(...bytes);
  }
  const { tensors } = io.parseSafetensors(buildFile(headerOf(header), data));
  const values = (name: string): number[] => Array.from(tensors[name]!.toArray());
  assert.deepEqual(values('f16'), [1, -0.5, 65504, 2 ** -24, Infinity, -Infinity]);
  assert.ok(Number.isNaN(values('f16nan')[0]));
  assert.deepEqual(values('bf16'), [1, -3.140625, Infinity]);
  assert.deepEqual(values('i64'), [-(2 ** 31), 2 ** 31 - 1, 0, -5]);
  assert.deepEqual(values('u64'), [0, 2 ** 31 - 1]);
  assert.deepEqual(values('u32'), [0, 2 ** 31 - 1]);
  assert.deepEqual(values('u8'), [0, 255, 17]);
  assert.deepEqual(values('i8'), [-128, 127]);
  assert.deepEqual(values('i16'), [-32768, 32767]);
  assert.deepEqual(values('u16'), [65535]);
  for (const name of ['f16', 'bf16']) assert.equal(tensors[name]!.dtype, 'float32');
  for (const name of ['i64', 'u64', 'u32', 'u8', 'i8', 'i16', 'u16']) assert.equal(tensors[name]!.dtype, 'int32');
});

test('parsed tensors own their memory: changing the file bytes afterwards changes nothing', () => {
  const bytes = io.serializeSafetensors({ a: tensor([1, 2]) });
  const { tensors } = io.parseSafetensors(bytes);
  bytes.fill(0, bytes.length - 8);
  assert.deepEqual(Array.from(tensors['a']!.toArray()), [1, 2]);
});

test('saveSafetensors / loadSafetensors go through a file; load errors name the path', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'weights.safetensors');
    const w = uniform([2, 3], { seed: 9 });
    io.saveSafetensors(file, { w }, { step: '12' });
    const out = io.loadSafetensors(file);
    assertSameTensor(out.tensors['w'], w, 'w');
    assert.deepEqual(out.metadata, { step: '12' });
    assert.deepEqual(fs.readdirSync(dir), ['weights.safetensors']);
    fs.writeFileSync(file, new Uint8Array(3));
    assert.throws(() => io.loadSafetensors(file), (e: Error) => e.message.startsWith(`safetensors: ${file}: the file is 3 byte(s) long`));
    assert.throws(() => io.loadSafetensors(path.join(dir, 'missing')), /ENOENT/);
  } finally {
    cleanup();
  }
});

test('the writer rejects bad input with clear errors', () => {
  assert.throws(() => io.serializeSafetensors({ __metadata__: tensor([1]) }), /serializeSafetensors: '__metadata__' is reserved/);
  assert.throws(() => io.serializeSafetensors({ a: [1, 2] as unknown as Tensor }), /serializeSafetensors: 'a' is object, not a Tensor/);
  assert.throws(() => io.serializeSafetensors({ a: tensor([1]) }, { n: 3 as unknown as string }), /serializeSafetensors: metadata 'n' must be a string, got number/);
  assert.throws(() => io.serializeSafetensors(null as unknown as Record<string, Tensor>), /serializeSafetensors: tensors must be an object or Map/);
  const t = tensor([1]);
  t.dispose();
  assert.throws(() => io.serializeSafetensors({ t }), /serializeSafetensors: tensor 't' was disposed/);
});
