/** AniList's MediaRelation values (version 2). */
export const RELATION_TYPES = [
  'SEQUEL',
  'PREQUEL',
  'PARENT',
  'SIDE_STORY',
  'SPIN_OFF',
  'ALTERNATIVE',
  'SUMMARY',
  'COMPILATION',
  'CONTAINS',
  'ADAPTATION',
  'SOURCE',
  'CHARACTER',
  'OTHER',
] as const;

export type KnownRelationType = (typeof RELATION_TYPES)[number];
/** A known type, or an upstream label Tsunagu has no mapping for (kept, upper snake case). */
export type RelationType = KnownRelationType | (string & {});
export type RelationSource = 'anilist' | 'mal' | 'inferred';

/** A directed edge: `to` is `from`'s `type` (e.g. to is from's SEQUEL). */
export interface Relation {
  from: number;
  to: number;
  type: RelationType;
  source: RelationSource;
}

export function isKnownRelationType(value: string): value is KnownRelationType {
  return (RELATION_TYPES as readonly string[]).includes(value);
}

// Not symmetric everywhere: a spin-off's or summary's other side is its PARENT, but a
// PARENT's other side is SIDE_STORY, the closest type AniList itself uses.
const INVERSE: Record<KnownRelationType, KnownRelationType> = {
  SEQUEL: 'PREQUEL',
  PREQUEL: 'SEQUEL',
  SIDE_STORY: 'PARENT',
  PARENT: 'SIDE_STORY',
  SPIN_OFF: 'PARENT',
  SUMMARY: 'PARENT',
  ALTERNATIVE: 'ALTERNATIVE',
  COMPILATION: 'CONTAINS',
  CONTAINS: 'COMPILATION',
  ADAPTATION: 'SOURCE',
  SOURCE: 'ADAPTATION',
  CHARACTER: 'CHARACTER',
  OTHER: 'OTHER',
};

/** The type of the reverse edge; unknown labels pair with OTHER. */
export function inverseOf(type: RelationType): KnownRelationType {
  return isKnownRelationType(type) ? INVERSE[type] : 'OTHER';
}

// MyAnimeList page labels (casing varies by era) mapped onto AniList's types.
const MAL_LABELS: Record<string, KnownRelationType> = {
  sequel: 'SEQUEL',
  prequel: 'PREQUEL',
  'side story': 'SIDE_STORY',
  'parent story': 'PARENT',
  'full story': 'PARENT',
  'spin-off': 'SPIN_OFF',
  'alternative version': 'ALTERNATIVE',
  'alternative setting': 'ALTERNATIVE',
  summary: 'SUMMARY',
  adaptation: 'ADAPTATION',
  character: 'CHARACTER',
  other: 'OTHER',
};

/** Maps a MAL relation label case-insensitively; an unknown label is kept as upper snake case. */
export function relationTypeFromMalLabel(label: string): RelationType {
  const key = label.trim().toLowerCase().replace(/\s+/g, ' ');
  return MAL_LABELS[key] ?? key.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
}
