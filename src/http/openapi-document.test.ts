import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadConfig } from '../config/config.ts';
import { silentLogger } from '../log.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import { createMetrics } from './metrics.ts';
import { createRuntimeApp } from './runtime-app.ts';

// Lints the document `serve` answers at /api/openapi.json, as a client generator would
// read it, and checks that what it says about the token is what the server does.

interface Parameter {
  name: string;
  in: string;
  schema?: { type?: string; minimum?: number; maximum?: number; enum?: unknown[]; pattern?: string; maxLength?: number; $ref?: string };
}
interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }>; schemas: Record<string, any> };
}

const TOKEN = 'openapi-lint-token';
/** Reads that spend upstream budget only in this form (a franchise not stored is ingested by default). */
const SPENDING_FORM: Record<string, string> = { searchAnime: '?q=gundam&remote=true' };

describe('the OpenAPI document at /api/openapi.json', () => {
  let dir: string;
  let runtime: Runtime;
  let app: OpenAPIHono;
  let doc: Document;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsunagu-openapi-'));
    const config = loadConfig({
      DATABASE_URL: `sqlite:${join(dir, 'api.sqlite')}`,
      TSUNAGU_API_TOKEN: TOKEN,
      // Nothing here may reach an upstream: a refused request never gets that far.
      ANILIST_URL: 'http://127.0.0.1:9/anilist',
      JIKAN_URL: 'http://127.0.0.1:9/jikan/v4',
    });
    runtime = await createRuntime(config, silentLogger, { worker: false });
    app = createRuntimeApp(runtime, { metrics: createMetrics(), shutdown: new AbortController().signal });
    const response = await app.request('/api/openapi.json');
    assert.equal(response.status, 200);
    doc = (await response.json()) as Document;
  });
  after(async () => {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('every operation has a unique operationId, tags and a summary', () => {
    const ids = new Map<string, string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.match(op.operationId ?? '', /^[a-z][A-Za-z0-9]+$/, `${where}: operationId`);
      assert.equal(ids.get(op.operationId!), undefined, `${where}: operationId ${op.operationId} also names ${ids.get(op.operationId!)}`);
      ids.set(op.operationId!, where);
      assert.ok((op.tags ?? []).length > 0, `${where}: tags`);
      assert.ok((op.summary ?? '').trim().length > 0, `${where}: summary`);
    }
    assert.ok(ids.size >= 12, `every route is documented (${ids.size})`);
  });

  test('the bearer scheme is declared, and every write carries it', () => {
    const schemes = doc.components.securitySchemes ?? {};
    const names = Object.entries(schemes).filter(([, s]) => s.type === 'http' && s.scheme === 'bearer').map(([name]) => name);
    assert.equal(names.length, 1, 'one bearer scheme');
    const bearer = names[0]!;
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const requirement of op.security ?? []) {
        for (const name of Object.keys(requirement)) assert.ok(name in schemes, `${where}: security names an undeclared scheme ${name}`);
      }
      if (method !== 'get') {
        assert.ok(op.security?.length, `${where}: a write carries security`);
        assert.ok(op.security!.every((r) => bearer in r), `${where}: a write needs the token, not only may send it`);
      }
    }
    for (const id of ['getFranchise', 'searchAnime']) {
      const op = operations().find((o) => o.op.operationId === id)!.op;
      assert.ok(op.security?.some((r) => bearer in r), `${id} may spend upstream budget: it carries the bearer scheme`);
    }
  });

  test('what the document says about the token is what the server does', async () => {
    for (const { path, method, op } of operations()) {
      const url = path.replace(/\{id\}/, path.startsWith('/api/jobs') ? 'job_1' : '16498').replace('{malId}', '16498') + (SPENDING_FORM[op.operationId!] ?? '');
      const init: RequestInit = method === 'post' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"16498"}' } : {};
      const response = await app.request(url, init);
      await response.body?.cancel();
      const where = `${method.toUpperCase()} ${url}`;
      if (op.security) assert.equal(response.status, 401, `${where} carries security: refused without the token`);
      else assert.notEqual(response.status, 401, `${where} carries none: answered without the token`);
    }
  });

  test('every numeric parameter states its range, every string one its shape', () => {
    for (const { path, method, op } of operations()) {
      for (const p of op.parameters ?? []) {
        const where = `${method.toUpperCase()} ${path} ${p.in} ${p.name}`;
        const schema = p.schema ?? {};
        if (schema.type === 'integer' || schema.type === 'number') {
          assert.equal(typeof schema.minimum, 'number', `${where}: minimum`);
          assert.equal(typeof schema.maximum, 'number', `${where}: maximum`);
        } else {
          assert.equal(schema.type, 'string', `${where}: typed`);
          assert.ok(schema.enum || schema.pattern || schema.maxLength !== undefined, `${where}: an enum, a pattern or a maxLength`);
        }
      }
    }
    const limit = operations().find((o) => o.op.operationId === 'searchAnime')!.op.parameters!.find((p) => p.name === 'limit')!;
    assert.deepEqual([limit.schema!.minimum, limit.schema!.maximum], [1, 50]);
  });

  test('the job event stream says what each event carries', () => {
    const stream = operations().find((o) => o.op.operationId === 'streamJobEvents')!.op;
    const ref = stream.responses['200']!.content!['text/event-stream']!.schema!.$ref!;
    const union = doc.components.schemas[ref.replace('#/components/schemas/', '')];
    assert.equal(union.discriminator.propertyName, 'type');
    assert.deepEqual(Object.keys(union.discriminator.mapping).sort(), ['entries', 'failure', 'progress', 'state']);
    for (const target of Object.values(union.discriminator.mapping) as string[]) {
      const event = doc.components.schemas[target.replace('#/components/schemas/', '')];
      for (const field of ['jobId', 'seq', 'at', 'type']) assert.ok(event.required.includes(field), `${target} requires ${field}`);
    }
  });
});
