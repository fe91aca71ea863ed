import { test } from 'node:test';
import assert from 'node:assert/strict';
import { laterStatus } from './job-stream.ts';

test('a snapshot older than the event stream never takes an ended job back to running', () => {
  // A local cancel answers `running`; the stream's final `cancelled` may have come first.
  assert.equal(laterStatus('cancelled', 'running'), 'cancelled');
  assert.equal(laterStatus('succeeded', 'queued'), 'succeeded');
});

test('a snapshot that says more than the page knew is taken', () => {
  assert.equal(laterStatus('queued', 'cancelled'), 'cancelled', 'a queued job cancelled at once');
  assert.equal(laterStatus('running', 'succeeded'), 'succeeded', 'the cancel came after the work was done');
  assert.equal(laterStatus('queued', 'running'), 'running');
});
