import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenStore } from './api-token.ts';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

test('the token is kept in the session storage, trimmed, and cleared on demand; listeners hear each change', () => {
  const storage = memoryStorage();
  const store = createTokenStore(storage);
  let changes = 0;
  store.subscribe(() => changes++);
  assert.equal(store.get(), null);
  store.set('  s3cret-token \n');
  assert.equal(store.get(), 's3cret-token');
  assert.deepEqual([...storage.items.values()], ['s3cret-token']);
  assert.equal(createTokenStore(storage).get(), 's3cret-token', 'a reload of the tab finds it');
  store.set('   ');
  assert.equal(store.get(), null, 'blank is no token');
  store.set('again-token');
  store.clear();
  assert.equal(store.get(), null);
  assert.equal(storage.items.size, 0);
  assert.equal(changes, 4);
});

test('storage that refuses (private mode) keeps the token in memory', () => {
  const refusing = {
    getItem: () => {
      throw new Error('denied');
    },
    setItem: () => {
      throw new Error('denied');
    },
    removeItem: () => {
      throw new Error('denied');
    },
  };
  const store = createTokenStore(refusing);
  store.set('in-memory-token');
  assert.equal(store.get(), 'in-memory-token');
  assert.equal(createTokenStore(null).get(), null);
});
