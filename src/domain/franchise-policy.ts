import { InputError } from '../errors.ts';
import { RELATION_TYPES, type KnownRelationType, type RelationType } from './relation-type.ts';

/** Which relations make two entries one franchise, and how far a walk may go. */
export interface FranchisePolicy {
  /** Relation types the walk follows. */
  readonly follow: ReadonlySet<RelationType>;
  /** Most members, the start included; the walk keeps the nearest (by depth, then id) and says it is truncated. Integer, 1-5000. */
  readonly maxEntries: number;
  /** Most relation hops from the start; 0 keeps the start alone. Integer, 0-1000. */
  readonly maxDepth: number;
}

// CHARACTER, OTHER, ADAPTATION and SOURCE are left out: they join works that merely share
// characters, a publisher or a source, and with them Attack on Titan reaches 720 entries.
// The walk still takes an OTHER or CHARACTER edge where the two entries evidently belong
// together (a shared title stem, a music video leading nowhere else: see franchise-walk.ts).
const LOOSE: ReadonlySet<KnownRelationType> = new Set(['ADAPTATION', 'SOURCE', 'CHARACTER', 'OTHER']);
export const DEFAULT_FOLLOW: readonly KnownRelationType[] = RELATION_TYPES.filter((type) => !LOOSE.has(type));

const LIMITS = {
  maxEntries: { min: 1, max: 5000, default: 500 },
  maxDepth: { min: 0, max: 1000, default: 40 },
} as const;

/** The same defaults as the FRANCHISE_* options (a test keeps them equal). */
export const defaultPolicy: FranchisePolicy = Object.freeze({
  follow: new Set<RelationType>(DEFAULT_FOLLOW),
  maxEntries: LIMITS.maxEntries.default,
  maxDepth: LIMITS.maxDepth.default,
});

/**
 * Builds a policy from a list of relation type names (comma-separated text or an array;
 * case and spaces ignored) and optional caps. Throws InputError naming the first bad
 * type or cap, with the valid values.
 */
export function parsePolicy(
  follow: string | readonly string[],
  caps: { maxEntries?: number; maxDepth?: number } = {},
): FranchisePolicy {
  const names = (typeof follow === 'string' ? follow.split(',') : follow).map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) {
    throw new InputError(`Expected \`follow\` to name at least one relation type (${RELATION_TYPES.join(', ')})`, 'follow');
  }
  const types = new Set<RelationType>();
  for (const name of names) {
    const type = RELATION_TYPES.find((known) => known === name.toUpperCase().replace(/[\s-]+/g, '_'));
    if (!type) {
      throw new InputError(`Unknown relation type \`${name}\` in \`follow\`; valid types: ${RELATION_TYPES.join(', ')}`, 'follow');
    }
    types.add(type);
  }
  return Object.freeze({
    follow: types,
    maxEntries: checkedCap('maxEntries', caps.maxEntries),
    maxDepth: checkedCap('maxDepth', caps.maxDepth),
  });
}

function checkedCap(name: keyof typeof LIMITS, value: number | undefined): number {
  const { min, max } = LIMITS[name];
  if (value === undefined) return LIMITS[name].default;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`Expected \`${name}\` to be an integer from ${min} to ${max}, got \`${value}\` (${typeof value})`, name);
  }
  return value;
}
