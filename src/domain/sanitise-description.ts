/**
 * Turns an upstream description (AniList sends HTML even with `asHtml: false`; MAL
 * synopses are plain text, sometimes with markup) into plain text: line breaks kept as
 * newlines, every tag gone, script and style contents dropped entirely, entities
 * decoded. Null for null or nothing left.
 */
export function sanitiseDescription(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  // Stripped again after decoding, so markup hidden behind entities (`&lt;script&gt;`)
  // cannot come back as text that a careless renderer would treat as HTML.
  const text = stripMarkup(decodeEntities(stripMarkup(raw)));
  const tidy = text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return tidy === '' ? null : tidy;
}

// A tag: `<` + name, then attributes where a quoted value may hold `>`.
const TAG = /<\/?[a-zA-Z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>?/g;

function stripMarkup(html: string): string {
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
