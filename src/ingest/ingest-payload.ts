import { z } from 'zod';
import { parsePolicy, type FranchisePolicy } from '../domain/franchise-policy.ts';
import type { FranchiseStats } from './franchise-view.ts';

const policySchema = z.object({
  follow: z.array(z.string()).min(1),
  maxEntries: z.number().int(),
  maxDepth: z.number().int(),
});

const resolutionPickSchema = z.object({
  id: z.number(),
  title: z.string(),
  format: z.string().nullable().optional(),
  year: z.number().nullable().optional(),
});

/** What an ingest job carries in its record: enough to run it in any process, after any restart. */
export const ingestPayloadSchema = z.object({
  query: z.string(),
  rootId: z.number().int().positive(),
  enrich: z.boolean(),
  policy: policySchema,
  resolution: z.object({ chosen: resolutionPickSchema, alternatives: z.array(resolutionPickSchema) }).optional(),
});
export type IngestPayload = z.infer<typeof ingestPayloadSchema>;

/** What a finished ingest job stores as its result. */
export interface IngestResult {
  franchiseId: number;
  size: number;
  truncated: boolean;
  stats: FranchiseStats;
}

export function policyToPayload(policy: FranchisePolicy): IngestPayload['policy'] {
  return { follow: [...policy.follow].sort(), maxEntries: policy.maxEntries, maxDepth: policy.maxDepth };
}

export function policyFromPayload(policy: IngestPayload['policy']): FranchisePolicy {
  return parsePolicy(policy.follow, { maxEntries: policy.maxEntries, maxDepth: policy.maxDepth });
}
