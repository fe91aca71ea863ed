/**
 * A member's title without the franchise's name in front ("Attack on Titan Season 2" in the
 * Attack on Titan graph reads "Season 2"), so node labels show what tells entries apart.
 * A title that is only the franchise's name, or does not start with it, is kept whole.
 */
export function shortTitle(title: string, franchiseTitle: string | undefined): string {
  if (!franchiseTitle || title === franchiseTitle) return title;
  if (!title.toLowerCase().startsWith(franchiseTitle.toLowerCase())) return title;
  const rest = title.slice(franchiseTitle.length);
  // Only at a word boundary: "Fate/Zero" is not "Fate" plus "/Zero".
  if (!/^[\s:：\-–—~!?.,]/.test(rest)) return title;
  const trimmed = rest.replace(/^[\s:：\-–—~.,]+/, '').trim();
  return trimmed.length > 0 ? trimmed : title;
}
