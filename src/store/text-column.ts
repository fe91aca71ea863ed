// PostgreSQL refuses NUL in text, and a lone UTF-16 surrogate cannot be encoded as UTF-8
// (drivers silently turn it into U+FFFD, so the value would differ on every re-read and
// re-upserts would never look unchanged). Both dialects get the same cleaned string.
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(value: string): string {
  return value.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

export function cleanNullableText(value: string | null): string | null {
  return value === null ? null : cleanText(value);
}

/** JSON in a TEXT column: JSON.stringify already escapes NUL and lone surrogates, so it round-trips exactly. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJsonText<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}
