/**
 * Folds a title for matching: case, diacritics, punctuation and spacing are ignored,
 * so "Shingeki no Kyojin", "SHINGEKI NO KYOJIN!" and "Shingeki  no Kyōjin" meet.
 */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
