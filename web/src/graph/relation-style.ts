import type { RelationType } from '../../../src/domain/relation-type.ts';

export interface RelationStyle {
  /** How the edge reads from its source: "B is A's sequel". */
  label: string;
  color: string;
}

// Colours picked to stay apart for the common colour-vision deficiencies and to read
// on both the light and the dark background; the legend repeats them in words.
const STYLES: Record<string, RelationStyle> = {
  SEQUEL: { label: 'Sequel', color: '#3b82f6' },
  PREQUEL: { label: 'Prequel', color: '#3b82f6' },
  SIDE_STORY: { label: 'Side story', color: '#10b981' },
  PARENT: { label: 'Parent story', color: '#10b981' },
  SPIN_OFF: { label: 'Spin-off', color: '#f59e0b' },
  ALTERNATIVE: { label: 'Alternative version', color: '#a855f7' },
  SUMMARY: { label: 'Summary', color: '#94a3b8' },
  COMPILATION: { label: 'Compilation', color: '#06b6d4' },
  CONTAINS: { label: 'Contains', color: '#06b6d4' },
  ADAPTATION: { label: 'Adaptation', color: '#b45309' },
  SOURCE: { label: 'Source', color: '#b45309' },
  CHARACTER: { label: 'Shares characters', color: '#ec4899' },
  OTHER: { label: 'Other', color: '#64748b' },
};

export function relationStyle(type: RelationType): RelationStyle {
  return STYLES[type] ?? { label: humanise(type), color: STYLES.OTHER.color };
}

function humanise(type: string): string {
  const words = type.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
