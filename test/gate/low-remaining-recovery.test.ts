import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptiveRate } from '../../src/upstream/gate/adaptive-rate.ts';

// AniList announcing 270/min, as in issue 15's bar; a rerun of a sync finds its predecessor's
// requests still in the upstream's window.
const LIMIT = 270;
const MINUTE = 60_000;

test('a pace cut for low remaining comes back within a window once the upstream shows room again', () => {
  const rate = new AdaptiveRate(90, MINUTE, 0, { start: 28, followAnnounced: true });
  rate.onResponse(0, LIMIT, 200);
  const full = rate.scale * rate.ceiling;
  assert.ok(full >= 250, `follows the announced limit at once: ${full}/min`);
  // The predecessor's requests fill the upstream's window: remaining runs low, the pace is cut.
  assert.equal(rate.onResponse(10_000, LIMIT, 3), true);
  const cut = rate.scale * rate.ceiling;
  assert.ok(cut < full * 0.8, `cut to ${cut}/min`);
  // They leave the window: every answer shows room. Within one window the pace is back.
  for (let t = 11_000; t <= 10_000 + MINUTE * 0.9; t += 1_000) rate.onResponse(t, LIMIT, 80);
  assert.ok(rate.scale * rate.ceiling >= full - 1e-9, `back to ${rate.scale * rate.ceiling}/min within a window`);
});

test('while the upstream keeps counting traffic this gate did not send, the pace does not climb back', () => {
  const rate = new AdaptiveRate(90, MINUTE, 0, { start: 28, followAnnounced: true });
  rate.onResponse(0, LIMIT, 200);
  rate.onResponse(10_000, LIMIT, 3);
  const cut = rate.scale * rate.ceiling;
  for (let t = 11_000; t <= 10_000 + MINUTE * 0.9; t += 1_000) rate.onResponse(t, LIMIT, 20);
  assert.equal(rate.scale * rate.ceiling, cut);
});
