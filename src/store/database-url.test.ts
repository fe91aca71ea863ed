import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatabaseUrl, redact } from './database-url.ts';
import { StoreError } from './store-error.ts';

test('SQLite URLs: sqlite:<path>, sqlite://<path>, a plain path, :memory:', () => {
  assert.deepEqual(parseDatabaseUrl('sqlite:./data/tsunagu.sqlite'), { dialect: 'sqlite', path: './data/tsunagu.sqlite' });
  assert.deepEqual(parseDatabaseUrl('sqlite:///var/lib/t.db'), { dialect: 'sqlite', path: '/var/lib/t.db' });
  assert.deepEqual(parseDatabaseUrl('sqlite://relative.db'), { dialect: 'sqlite', path: 'relative.db' });
  assert.deepEqual(parseDatabaseUrl('/tmp/x.sqlite'), { dialect: 'sqlite', path: '/tmp/x.sqlite' });
  assert.deepEqual(parseDatabaseUrl(':memory:'), { dialect: 'sqlite', path: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', path: ':memory:' });
});

test('PostgreSQL URLs keep pg parameters and take Tsunagu\'s own ?schema= out', () => {
  assert.deepEqual(parseDatabaseUrl('postgres://u:p@db:5432/app'), {
    dialect: 'postgres',
    connectionString: 'postgres://u:p@db:5432/app',
    schema: undefined,
  });
  assert.deepEqual(parseDatabaseUrl('postgresql://db/app?sslmode=require&schema=tsunagu_1'), {
    dialect: 'postgres',
    connectionString: 'postgresql://db/app?sslmode=require',
    schema: 'tsunagu_1',
  });
});

test('bad URLs fail with a StoreError that names the accepted forms and hides the password', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['sqlite:', /names no file/],
    ['mysql://root:hunter2@db/app', /expected sqlite:<path>, a file path or postgres:\/\/\.\.\./],
    ['postgres://db/app?schema=bad-name', /schema "bad-name"/],
    ['postgres://db/app?schema=1abc', /schema "1abc"/],
    ['postgres://db/app?schema=Tsunagu', /lower-case/],
  ];
  for (const [url, message] of cases) {
    assert.throws(() => parseDatabaseUrl(url), (error: unknown) => {
      assert.ok(error instanceof StoreError, url);
      assert.equal(error.code, 'bad-url');
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
  }
  assert.equal(redact('postgres://user:secret@host/db'), 'postgres://user:***@host/db');
  assert.equal(redact('postgres://host/db'), 'postgres://host/db');
});
