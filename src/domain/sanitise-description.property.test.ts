import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sanitiseDescription } from './sanitise-description.ts';

/** What a browser could read as the start of markup. */
const OPENS_MARKUP = /<[A-Za-z/!?]/;

const controls = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0085', '\u009b', '\t', '\r', '\n');
const names = fc.constantFrom('img', 'script', 'SCRIPT', 'svg', 'iframe', 'a', 'b', 'style', 'object', 'math', 'template', 'x', 'br', 'p');
const lessThan = fc.constantFrom('<', '&lt;', '&LT;', '&#60;', '&#x3c;', '&#X3C;', '&amp;lt;', '&#0060;', '<<', '< ');
const greaterThan = fc.constantFrom('>', '&gt;', '&#62;', '/>', '');
const payloads = fc.constantFrom(
  ' src=x onerror=alert(1)',
  ' onload="alert(1)"',
  " href='javascript:alert(1)'",
  ' href=javascript:alert(document.cookie)',
  ' srcdoc="<script>alert(1)</script>"',
  ' xmlns="http://www.w3.org/2000/svg"',
  ' a=">" b=\'<\'',
  '',
);
const words = fc.constantFrom('Plot', 'javascript:alert(1)', '!', '?', '/', '-->', '<!--', '<?xml', '<!DOCTYPE html>', '&', ';', '"', "'", ' ', 'I <3 it', '1 < 2');

/** One token of hostile text: a tag in any disguise, with controls spliced in, or plain noise. */
const token = fc.oneof(
  fc.tuple(lessThan, fc.option(controls, { nil: '' }), fc.constantFrom('', '/', '!', '?', '!--'), fc.option(controls, { nil: '' }), names, payloads, greaterThan).map((parts) => parts.join('')),
  controls,
  words,
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);
const hostile = fc.array(token, { maxLength: 24 }).map((tokens) => tokens.join(''));

describe('sanitiseDescription over generated hostile input', () => {
  it('never leaves `<` followed by a letter, `/`, `!` or `?`, and is stable when run again', () => {
    fc.assert(
      fc.property(hostile, (raw) => {
        const clean = sanitiseDescription(raw);
        if (clean === null) return;
        assert.doesNotMatch(clean, OPENS_MARKUP, `from ${JSON.stringify(raw)}`);
        assert.doesNotMatch(clean, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/, 'no control characters');
        // What the store does next (NUL removal) cannot re-form markup either.
        assert.doesNotMatch(clean.replaceAll('\u0000', ''), OPENS_MARKUP);
      }),
      { seed: 20261129, numRuns: 5_000 },
    );
  });

  it('names the cases the issue found', () => {
    for (const raw of ['<\u0000img src=x onerror=alert(1)>', '<\u0000script>alert(1)</script>', '<<b>img src=x onerror=alert(1)>', '&lt;\u0000svg onload=alert(1)&gt;']) {
      const clean = sanitiseDescription(raw) ?? '';
      assert.doesNotMatch(clean, OPENS_MARKUP, JSON.stringify(raw));
    }
  });
});
