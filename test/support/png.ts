import { encodePng } from '../../src/sim/covers/png.ts';

/**
 * A solid-colour PNG (8-bit RGB) with a darker band across the middle, so screenshots show
 * a cover rather than a flat placeholder. Test support only: real covers come from upstream.
 */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const colour = Math.abs(y - height / 2) < height / 10 ? [r >> 1, g >> 1, b >> 1] : [r, g, b];
    for (let x = 0; x < width; x++) rgb.set(colour, (y * width + x) * 3);
  }
  return encodePng(width, height, rgb);
}
