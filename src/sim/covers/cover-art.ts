import { stableHash } from '../seeded-random.ts';

export type Rgb = [number, number, number];

/** `#rrggbb` as RGB, or null for anything else. */
export function parseHexColour(text: string | null): Rgb | null {
  const match = text ? /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text) : null;
  return match ? [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)] : null;
}

/** A stable, fairly saturated colour for an entry the catalog gives none. */
export function colourFor(...key: (string | number)[]): Rgb {
  const hue = stableHash('cover-hue', ...key) % 360;
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (0.55 - 0.35 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

const mix = (colour: Rgb, toward: number, amount: number): Rgb => colour.map((c) => Math.round(c + (toward - c) * amount)) as Rgb;

/**
 * A cover without text: a vertical gradient of the entry's colour (lighter at the top, darker at the
 * bottom) with a few blocks of its tints and shades placed by `key`, so neighbouring entries differ
 * at a glance. Returns width x height RGB bytes.
 */
export function drawCover(colour: Rgb, width: number, height: number, key: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 3);
  const blocks = Array.from({ length: 4 }, (_, i) => {
    const h = stableHash(key, 'block', i);
    const w = 0.25 + ((h & 0xff) / 255) * 0.5;
    const t = 0.15 + (((h >>> 8) & 0xff) / 255) * 0.35;
    const x0 = Math.floor((((h >>> 16) & 0xff) / 255) * (1 - w) * width);
    const y0 = Math.floor(((i + ((h >>> 24) & 0xff) / 255) / 4) * (1 - t) * height);
    const paint = i % 2 === 0 ? mix(colour, 255, 0.45) : mix(colour, 0, 0.4);
    return { x0, x1: x0 + Math.ceil(w * width), y0, y1: y0 + Math.ceil(t * height), paint };
  });
  for (let y = 0; y < height; y++) {
    const base = mix(mix(colour, 255, 0.3), 0, (y / height) * 0.55);
    for (let x = 0; x < width; x++) {
      const block = blocks.find((b) => y >= b.y0 && y < b.y1 && x >= b.x0 && x < b.x1);
      const [r, g, b] = block ? block.paint : base;
      const at = (y * width + x) * 3;
      pixels[at] = r;
      pixels[at + 1] = g;
      pixels[at + 2] = b;
    }
  }
  return pixels;
}
