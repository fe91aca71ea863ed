import { sql } from 'kysely';
import type { Relation, RelationSource } from '../domain/relation-type.ts';
import { ACTIVE_JOB_STATUSES } from './job-repository.ts';
import { answers, edgeKey, inferredEdgesFor, pairKey } from './relation-inference.ts';
import type { StoreContext } from './store-context.ts';

export interface InvariantReport {
  ok: boolean;
  /** One line per broken rule, naming a few offending rows and how many there are. */
  problems: string[];
}

const SHOWN = 5;

/**
 * Checks the whole store against what its data model promises: edges between stored
 * entries only, no self-loops or duplicates, known sources, inferred edges backed by an
 * upstream one, one anime per MAL id, one active job per dedupe key. Reads
 * every relation into memory: a diagnostic for tests and `--check` runs, not a hot path
 * (the full catalog's ~45k edges take well under a second).
 */
export async function checkInvariants(ctx: StoreContext): Promise<InvariantReport> {
  const { db } = ctx;
  const problems: string[] = [];
  const report = (rule: string, offenders: string[]) => {
    if (offenders.length === 0) return;
    const more = offenders.length > SHOWN ? ` and ${offenders.length - SHOWN} more` : '';
    problems.push(`${rule}: ${offenders.slice(0, SHOWN).join(', ')}${more} (${offenders.length})`);
  };
  const show = (e: Relation) => `${e.from} -${e.type}-> ${e.to} (${e.source})`;

  const animeIds = new Set((await db.selectFrom('anime').select('id').execute()).map((r) => r.id));
  const edges: Relation[] = (await db.selectFrom('relation').selectAll().execute()).map((r) => ({
    from: r.from_id,
    to: r.to_id,
    type: r.type,
    source: r.source as RelationSource,
  }));

  report('relations pointing at a missing anime', edges.filter((e) => !animeIds.has(e.from) || !animeIds.has(e.to)).map(show));
  report('self-loops', edges.filter((e) => e.from === e.to).map(show));
  report('relations with an unknown source', edges.filter((e) => !['anilist', 'mal', 'inferred'].includes(e.source)).map(show));

  const folded = new Map<string, number>();
  for (const e of edges) {
    const key = edgeKey({ ...e, type: e.type.toUpperCase() });
    folded.set(key, (folded.get(key) ?? 0) + 1);
  }
  report('duplicate relations (type compared case-folded)', [...folded].filter(([, n]) => n > 1).map(([key]) => key));

  const directed = groupBy(edges, (e) => `${e.from}>${e.to}`);
  report(
    'relations without an inverse',
    edges.filter((e) => !(directed.get(`${e.to}>${e.from}`) ?? []).some((back) => answers(e.type, back.type))).map(show),
  );

  const byPair = groupBy(edges, (e) => pairKey(e.from, e.to));
  const unjustified: Relation[] = [];
  for (const pair of byPair.values()) {
    const needed = new Set(inferredEdgesFor(pair.filter((e) => e.source !== 'inferred')).map(edgeKey));
    unjustified.push(...pair.filter((e) => e.source === 'inferred' && !needed.has(edgeKey(e))));
  }
  report('inferred relations no upstream edge calls for', unjustified.map(show));

  const pending = await db.selectFrom('pending_relation').selectAll().execute();
  report(
    'pending relations whose two ends are stored (should have been promoted)',
    pending.filter((p) => animeIds.has(p.from_id) && animeIds.has(p.to_id)).map((p) => `${p.from_id} -${p.type}-> ${p.to_id}`),
  );

  const malDuplicates = await db
    .selectFrom('anime')
    .select(['mal_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('mal_id', 'is not', null)
    .groupBy('mal_id')
    .having(sql`count(*)`, '>', 1)
    .execute();
  report('MAL ids on more than one anime', malDuplicates.map((r) => `mal:${r.mal_id}`));

  const activeDuplicates = await db
    .selectFrom('job')
    .select('dedupe_key')
    .where('status', 'in', [...ACTIVE_JOB_STATUSES])
    .where('dedupe_key', 'is not', null)
    .groupBy('dedupe_key')
    .having(sql`count(*)`, '>', 1)
    .execute();
  report('dedupe keys with more than one active job', activeDuplicates.map((r) => String(r.dedupe_key)));

  return { ok: problems.length === 0, problems };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
