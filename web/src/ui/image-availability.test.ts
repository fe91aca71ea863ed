import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImageAvailability } from './image-availability.ts';

test('one probe at a time while unknown; a load settles it for everyone', () => {
  const images = createImageAvailability();
  assert.equal(images.claimProbe(), true);
  assert.equal(images.claimProbe(), false, 'a second cover waits');
  images.loaded();
  assert.equal(images.state(), 'yes');
  assert.equal(images.claimProbe(), false, 'no probing needed any more');
});

test('a failed probe lets the next cover try; three failures in a row mean no images', () => {
  const images = createImageAvailability();
  let told = 0;
  images.subscribe(() => told++);
  for (let i = 0; i < 2; i++) {
    assert.equal(images.claimProbe(), true);
    images.failed();
    assert.equal(images.state(), 'unknown', 'one missing image is just one missing image');
  }
  assert.equal(images.claimProbe(), true);
  images.failed();
  assert.equal(images.state(), 'no');
  assert.equal(images.claimProbe(), false);
  assert.equal(told, 3, 'every change is announced');
});

test("a CSP violation for images decides at once; other directives don't", () => {
  const target = new EventTarget();
  const images = createImageAvailability(target as unknown as Document);
  images.claimProbe();
  target.dispatchEvent(Object.assign(new Event('securitypolicyviolation'), { effectiveDirective: 'connect-src' }));
  assert.equal(images.state(), 'unknown');
  target.dispatchEvent(Object.assign(new Event('securitypolicyviolation'), { effectiveDirective: 'img-src' }));
  assert.equal(images.state(), 'no');
  images.failed();
  assert.equal(images.state(), 'no', 'the image error that follows changes nothing');
});
