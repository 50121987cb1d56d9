import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, tensor } from '../../../src/index.js';
import { assertClose } from '../../helpers.js';

const { loadNpy, saveNpy, parseNpy, serializeNpy } = data;

const dir = mkdtempSync(join(tmpdir(), 'tessera-npy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** .npy bytes with the given header dict and little-endian data, version 1.0 (or 2.0). */
function npy(dict: string, body: ArrayBufferView | number[], version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = dict.padEnd(total - pre - 1, ' ') + '\n';
  const bodyBytes = Array.isArray(body) ? Uint8Array.from(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  const out = new Uint8Array(total + bodyBytes.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(bodyBytes, total);
  return out;
}

test('parseNpy reads float32, float64 and int32 in C order', () => {
  const f = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", new Float32Array([1, 2, 3, 4, 5, 6.5])));
  assert.equal(f.dtype, 'float32');
  assert.deepEqual(f.tolist(), [[1, 2, 3], [4, 5, 6.5]]);
  const d = parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Float64Array([0.1, -2, 1e300])));
  assert.equal(d.dtype, 'float64');
  assert.deepEqual(d.tolist(), [0.1, -2, 1e300]);
  const i = parseNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (), }", new Int32Array([-7])));
  assert.equal(i.dtype, 'int32');
  assert.deepEqual(i.shape, []);
  assert.equal(i.item(), -7);
});

test('parseNpy converts int64, uint8, bool, float16 and big-endian data', () => {
  const i8 = parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", new BigInt64Array([-5n, 2147483647n, -2147483648n])));
  assert.equal(i8.dtype, 'int32');
  assert.deepEqual(i8.tolist(), [-5, 2147483647, -2147483648]);
  const u1 = parseNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", [0, 1, 128, 255]));
  assert.equal(u1.dtype, 'int32');
  assert.deepEqual(u1.tolist(), [[0, 1], [128, 255]]);
  const b1 = parseNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [1, 0, 1]));
  assert.equal(b1.dtype, 'bool');
  assert.deepEqual(b1.tolist(), [true, false, true]);
  // float16: 0x3c00 = 1, 0xc000 = -2, 0x3555 = 0.333251953125, 0x0001 = 2^-24 (subnormal).
  const f2 = parseNpy(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (4,), }", [0x00, 0x3c, 0x00, 0xc0, 0x55, 0x35, 0x01, 0x00]));
  assert.equal(f2.dtype, 'float32');
  assertClose(f2, [1, -2, 0.333251953125, 2 ** -24], { rtol: 0, atol: 0 });
  // Big-endian float64 1.5 = 3f f8 00 ...
  const be = parseNpy(npy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", [0x3f, 0xf8, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual(be.tolist(), [1.5]);
});

test('parseNpy reads Fortran-ordered arrays into C order', () => {
  // [[1, 2, 3], [4, 5, 6]] stored column by column.
  const t = parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new Float32Array([1, 4, 2, 5, 3, 6])));
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
  assert.ok(t.isContiguous());
  // 3-D: element (i, j, k) at i + 2 j + 4 k.
  const values = new Int32Array(8).map((_, f) => f);
  const u = parseNpy(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2, 2), }", values));
  assert.deepEqual(u.tolist(), [[[0, 4], [2, 6]], [[1, 5], [3, 7]]]);
});

test('parseNpy reads version 2.0 headers', () => {
  const t = parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new Float32Array([3, 4]), 2));
  assert.deepEqual(t.tolist(), [3, 4]);
});

test('serializeNpy writes the exact NumPy header, 64-byte aligned', () => {
  const bytes = serializeNpy(tensor([[1, 2, 3], [4, 5, 6]]));
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const headerLength = bytes[8]! + 256 * bytes[9]!;
  assert.equal((10 + headerLength) % 64, 0);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.equal(header, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".padEnd(headerLength - 1) + '\n');
  assert.equal(bytes.length, 10 + headerLength + 24);
  assert.deepEqual([...new Float32Array(bytes.slice(10 + headerLength).buffer)], [1, 2, 3, 4, 5, 6]);
  const one = new TextDecoder().decode(serializeNpy(tensor([5], { dtype: 'int32' })).subarray(10, 70));
  assert.match(one, /'descr': '<i4', 'fortran_order': False, 'shape': \(1,\), \}/);
});

test('saveNpy and loadNpy round-trip every dtype, views included', () => {
  const cases = [
    tensor([[1.25, -2], [3, 4e-8]], { dtype: 'float32' }),
    tensor([Math.PI, -0, 1e-300], { dtype: 'float64' }),
    tensor([[[-3, 7]]], { dtype: 'int32' }),
    tensor([true, false, false]),
    tensor(2.5),
    tensor([[1, 2, 3], [4, 5, 6]]).T, // non-contiguous: written in C order of the transpose
  ];
  cases.forEach((t, k) => {
    const path = join(dir, `case${k}.npy`);
    saveNpy(path, t);
    const back = loadNpy(path);
    assert.equal(back.dtype, t.dtype);
    assert.deepEqual(back.shape, t.shape);
    assert.deepEqual(back.tolist(), t.tolist());
  });
  assert.equal(readFileSync(join(dir, 'case0.npy')).length, 128 + 16);
});

test('malformed NPY data gives clear errors naming the file', () => {
  const write = (name: string, bytes: Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new Float32Array(4));
  assert.throws(() => loadNpy(write('magic.npy', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0, 0, 0]))), /loadNpy: '.*magic\.npy' is not an NPY file/);
  assert.throws(() => loadNpy(write('tiny.npy', good.subarray(0, 6))), /'.*tiny\.npy' is truncated: 6 bytes/);
  assert.throws(() => loadNpy(write('cut.npy', good.subarray(0, good.length - 3))), /'.*cut\.npy' is truncated: shape \(4\) of '<f4' needs 16 bytes of data, the file has 13/);
  assert.throws(() => loadNpy(write('head.npy', good.subarray(0, 40))), /'.*head\.npy' is truncated: its header declares 118 bytes, the file has 30/);
  assert.throws(() => loadNpy(write('long.npy', Uint8Array.from([...good, 0, 0, 0, 0]))), /'.*long\.npy' has a size mismatch/);
  assert.throws(() => loadNpy(write('c8.npy', npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Float32Array(2)))), /dtype '<c8', which is not supported/);
  assert.throws(() => loadNpy(write('rec.npy', npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Float32Array(1)))), /malformed header/);
  assert.throws(() => loadNpy(write('shape.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", new Float32Array(1)))), /malformed header \(shape \(-1,\) is not a tuple/);
  assert.throws(() => loadNpy(write('nofo.npy', npy("{'descr': '<f4', 'shape': (1,), }", new Float32Array(1)))), /no 'fortran_order'/);
  const v9 = good.slice();
  v9[6] = 9;
  assert.throws(() => loadNpy(write('v9.npy', v9)), /NPY format version 9\.0, expected 1\.0, 2\.0 or 3\.0/);
  assert.throws(() => parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new BigInt64Array([1n, 2n ** 40n]))), /parseNpy: NPY data holds 1099511627776 at flat index 1, outside int32's range/);
  assert.throws(() => loadNpy(join(dir, 'absent.npy')), /loadNpy: cannot read '.*absent\.npy': no such file or directory/);
  assert.throws(() => saveNpy(join(dir, 'no', 'such', 'dir.npy'), tensor([1])), /saveNpy: cannot write '.*dir\.npy'/);
});
