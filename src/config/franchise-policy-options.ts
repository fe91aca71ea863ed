import { parsePolicy, type FranchisePolicy } from '../domain/franchise-policy.ts';
import type { Config } from './config.ts';

/**
 * The policy the FRANCHISE_FOLLOW, FRANCHISE_MAX_ENTRIES and FRANCHISE_MAX_DEPTH options
 * describe. It lives on the configuration side so the domain never reads settings: the
 * composition root builds the policy here and passes it in.
 */
export function policyFromConfig(
  config: Pick<Config, 'franchiseFollow' | 'franchiseMaxEntries' | 'franchiseMaxDepth'>,
): FranchisePolicy {
  return parsePolicy(config.franchiseFollow, { maxEntries: config.franchiseMaxEntries, maxDepth: config.franchiseMaxDepth });
}
