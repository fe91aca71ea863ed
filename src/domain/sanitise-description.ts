/**
 * Turns an upstream description (AniList sends HTML even with `asHtml: false`; MAL
 * synopses are plain text, sometimes with markup) into plain text: line breaks kept as
 * newlines, every tag gone, script and style contents dropped entirely, entities
 * decoded once. Null for null or nothing left.
 *
 * The order is what makes it safe: control characters go first (a browser skips a NUL,
 * and the store strips it, so `<\0img` would re-form `<img` after any later step), then
 * tags; entities are decoded once and the result is stripped again, so markup hidden
 * behind `&lt;` cannot come back; the last step removes any `<` that could still open a
 * tag, so no output holds `<` followed by a letter, `/`, `!` or `?`.
 */
export function sanitiseDescription(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const text = stripMarkup(stripControls(decodeEntities(stripMarkup(stripControls(raw)))));
  const tidy = text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const inert = inertMarkup(tidy);
  return inert === '' ? null : inert;
}

/**
 * Removes every `<` that a browser could read as the start of a tag, a comment or a
 * processing instruction. Idempotent, and it never creates such a `<` (a run of them
 * goes whole), so the store applies it again after its own cleaning (NUL removal) and
 * text stored by an older version is made safe on the way out.
 */
export function inertMarkup(text: string): string {
  return text.replace(OPENS_MARKUP, '');
}

const OPENS_MARKUP = /<+(?=[A-Za-z/!?])/g;
// C0 controls except tab, newline and carriage return; DEL; C1 controls.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// A tag: `<` + name, then attributes where a quoted value may hold `>`.
const TAG = /<\/?[a-zA-Z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>?/g;
/** Removing one tag can join its neighbours into a new one (`<<b>img>`); a few passes undo any nesting seen in practice, and inertMarkup handles the rest. */
const MAX_PASSES = 8;

function stripControls(text: string): string {
  return text.replace(CONTROLS, '');
}

function stripMarkup(html: string): string {
  let text = html;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = stripOnce(text);
    if (next === text) break;
    text = next;
  }
  return text;
}

function stripOnce(html: string): string {
  return html
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .replace(/<(script|style|noscript|template|iframe|object)\b[\s\S]*?(?:<\/\1\s*>|$)/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?(?:p|div|li|ul|ol|h[1-6]|blockquote)\b[^>]*>/gi, '\n')
    .replace(TAG, '');
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  middot: '·',
  times: '×',
  eacute: 'é',
  egrave: 'è',
  ouml: 'ö',
  uuml: 'ü',
  auml: 'ä',
  copy: '©',
  deg: '°',
  star: '☆',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+[0-9]*);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      // Control characters and invalid code points would only corrupt the text.
      if (!Number.isFinite(code) || code > 0x10ffff || (code < 32 && code !== 10 && code !== 9) || (code >= 0xd800 && code <= 0xdfff)) return '';
      return String.fromCodePoint(code);
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}
