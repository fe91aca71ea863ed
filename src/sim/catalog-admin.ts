import { z } from 'zod';
import type { ChangeSummary, LiveCatalog } from './live-catalog.ts';
import { jsonReply, type Reply } from './sim-reply.ts';

const ids = z.array(z.number().int().positive()).max(100_000);
const count = z.number().int().min(1).max(1_000_000);

const BODIES = {
  edit: z.strictObject({ ids: ids.optional(), count: count.optional(), publish: count.optional() }),
  remove: z.strictObject({ ids: ids.optional(), count: count.optional() }),
  restore: z.strictObject({ ids: ids.optional() }),
};

const NEEDS = { edit: 'ids, count or publish', remove: 'ids or count', restore: null } as const;

type Change = keyof typeof BODIES;

/** The routes that change the catalog over time (see docs/simulator.md), or null when `path` is none of them. */
export function answerCatalogAdmin(path: string, method: string, body: string, live: LiveCatalog, nowMs: number): Reply | null {
  if (path === '/__sim/catalog') return method === 'GET' ? jsonReply(200, live.summary()) : notAllowed('GET');
  if (path === '/__sim/catalog/reset') {
    if (method !== 'POST') return notAllowed('POST');
    live.reset();
    return jsonReply(200, live.summary());
  }
  const change = /^\/__sim\/(edit|remove|restore)$/.exec(path)?.[1] as Change | undefined;
  if (!change) return null;
  if (method !== 'POST') return notAllowed('POST');

  let json: unknown;
  try {
    json = body.trim() ? JSON.parse(body) : {};
  } catch {
    return jsonReply(400, { error: `POST /__sim/${change}: the body is not JSON` });
  }
  const parsed = BODIES[change].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return jsonReply(400, { error: `POST /__sim/${change}: ${issue.path.join('.') || 'body'}: ${issue.message}` });
  }
  const request = parsed.data as { ids?: number[]; count?: number; publish?: number };
  const needs = NEEDS[change];
  if (needs && request.ids === undefined && request.count === undefined && request.publish === undefined) {
    return jsonReply(400, { error: `POST /__sim/${change}: give ${needs}` });
  }
  const summary =
    change === 'edit' ? live.edit(request, nowMs) : change === 'remove' ? live.remove(request) : live.restore(request, nowMs);
  return jsonReply(200, withCounts(summary));
}

function withCounts(summary: ChangeSummary) {
  const ok = summary.results.filter((r) => r.ok).length;
  return { ...summary, ok, failed: summary.results.length - ok };
}

function notAllowed(allow: string): Reply {
  return jsonReply(405, { error: `use ${allow}` }, { Allow: allow });
}
