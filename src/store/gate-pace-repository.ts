import type { StoreContext } from './store-context.ts';

/** What an upstream's rate gate learnt from 429s (shares of `ceiling` requests per window); the gate's LearnedPace. */
export interface StoredPace {
  pace: number;
  learned: number;
  ceiling: number;
  changedAt: number;
}

/** The `gate_pace` table: one row per upstream, so every run starts at the pace earlier runs learnt. */
export interface GatePaceRepository {
  load(upstream: string): Promise<StoredPace | null>;
  save(upstream: string, pace: StoredPace): Promise<void>;
}

export function createGatePaceRepository(ctx: StoreContext): GatePaceRepository {
  const { db } = ctx;
  return {
    async load(upstream) {
      const row = await db.selectFrom('gate_pace').selectAll().where('upstream', '=', upstream).executeTakeFirst();
      return row ? { pace: row.pace, learned: row.learned, ceiling: row.ceiling, changedAt: row.changed_at } : null;
    },
    async save(upstream, { pace, learned, ceiling, changedAt }) {
      const values = { pace, learned, ceiling, changed_at: Math.round(changedAt) };
      await db
        .insertInto('gate_pace')
        .values({ upstream, ...values })
        .onConflict((oc) => oc.column('upstream').doUpdateSet(values))
        .execute();
    },
  };
}
