import { displayTitle } from '../domain/anime.ts';
import type { Titles } from '../domain/anime.ts';

/**
 * The `script` content fault: a description as hostile as upstream text can get. AniList really sends
 * <br> and <i> even with asHtml: false; the script and the onerror handler are what a careless renderer
 * would run. Both set window.__xss, so a browser test can prove neither ran.
 */
export function hostileDescription(titles: Titles, id: number): string {
  return (
    `${displayTitle(titles, id)}: a description with markup.<br><br>` +
    `<i>(Source: Tsunagu simulator)</i><script>window.__xss=1</script>` +
    `<img src="x" onerror="window.__xss=2">`
  );
}
