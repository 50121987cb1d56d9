import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson, encodeJson } from '../../src/io/json-values.js';

const roundTrip = (v: unknown): unknown => decodeJson(encodeJson(v, 'op', 'v'), 'op', 'v');

test('encodeJson / decodeJson keep what JSON cannot hold', () => {
  assert.equal(encodeJson({ best: Infinity, worst: -Infinity }, 'op', 'v'), '{"best":"#Infinity","worst":"#-Infinity"}');
  assert.equal(encodeJson(['#a', '##', 'b#'], 'op', 'v'), '["##a","###","b#"]');
  const value = { a: [Infinity, -Infinity, NaN, -0, 0, 1.5e-300, undefined, null], s: ['#NaN', '#', '', 'x'], nested: { deep: [{ k: -Infinity }] }, t: true };
  const back = roundTrip(value) as typeof value;
  assert.deepEqual(back, value); // deepEqual treats NaN as equal to NaN and tells -0 from 0
  assert.ok(Object.is(back.a[3], -0) && Object.is(back.a[4], 0));
  assert.equal(back.a.length, 8);
  assert.equal(roundTrip('#undefined'), '#undefined');
  assert.equal(roundTrip(undefined), undefined);
  assert.deepEqual(roundTrip(JSON.parse('{"__proto__":{"x":1}}')), JSON.parse('{"__proto__":{"x":1}}'));
});

test('values JSON cannot express are refused with their path', () => {
  assert.throws(() => encodeJson({ a: [1, new Map()] }, 'save', 'extra'), /save: cannot save Map at extra.a\[1\]/);
  assert.throws(() => encodeJson({ f: () => 1 }, 'save', 'extra'), /save: cannot save a function at extra.f/);
  assert.throws(() => encodeJson(Symbol('s'), 'save', 'x'), /save: cannot save a symbol at x/);
  const shared = { v: 1 };
  assert.equal(encodeJson({ a: shared, b: shared }, 'save', 'x'), '{"a":{"v":1},"b":{"v":1}}'); // shared, not circular
  assert.throws(() => decodeJson('{"a":"#bad"}', 'load', 'meta'), /load: unknown tagged value "#bad" at meta.a/);
  assert.throws(() => decodeJson('{', 'load', 'meta'), /load: meta is not valid JSON/);
});
