import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backend, listBackends, setBackend, tensor } from '../../src/index.js';
import { assertThrowsMatching } from '../helpers.js';

test('the reference backend is registered and active by default here', () => {
  assert.ok(listBackends().includes('js'));
  assert.equal(typeof backend().name, 'string');
});

test('setBackend rejects an unknown name and lists the available ones', () => {
  assertThrowsMatching(() => setBackend('nope'), /^setBackend: unknown backend 'nope'/, /available: .*js/);
});

test('ops run on the backend chosen with setBackend', () => {
  const previous = backend().name;
  setBackend('js');
  try {
    assert.equal(backend().name, 'js');
    assert.deepEqual(tensor([1, 2]).add(1).tolist(), [2, 3]);
  } finally {
    setBackend(previous);
  }
});
