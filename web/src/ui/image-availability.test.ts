import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImageAvailability } from './image-availability.ts';

test('a CSP violation for images stops image loading and tells subscribers', () => {
  const target = new EventTarget();
  const images = createImageAvailability(target as unknown as Document);
  let told = 0;
  images.subscribe(() => told++);
  assert.equal(images.available(), true);
  target.dispatchEvent(Object.assign(new Event('securitypolicyviolation'), { effectiveDirective: 'connect-src' }));
  assert.equal(images.available(), true, 'other directives do not matter');
  target.dispatchEvent(Object.assign(new Event('securitypolicyviolation'), { effectiveDirective: 'img-src' }));
  assert.equal(images.available(), false);
  assert.equal(told, 1);
});

test('repeated failures with nothing loaded mean offline; one success means images work', () => {
  const offline = createImageAvailability();
  for (let i = 0; i < 3; i++) offline.failed();
  assert.equal(offline.available(), true, 'a few broken images are just broken images');
  offline.failed();
  assert.equal(offline.available(), false);

  const online = createImageAvailability();
  online.loaded();
  for (let i = 0; i < 10; i++) online.failed();
  assert.equal(online.available(), true);
});
