import assert from 'node:assert/strict';
import { request } from 'node:http';
import { inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Catalog } from '../catalog/catalog.ts';
import type { RunningSimulator } from './simulator.ts';
import { getJson, postGraphql } from '../../test/support/sim-requests.ts';
import { startCatalogSimulator } from '../../test/support/catalog-simulator.ts';

const AOT = 16498;

let sim: RunningSimulator;
let catalog: Catalog;

before(async () => ({ sim, catalog } = await startCatalogSimulator()));
after(() => sim.close());

interface Png {
  width: number;
  height: number;
  /** Mean red, green and blue over every pixel. */
  mean: [number, number, number];
}

/** Reads an 8-bit RGB PNG (the filters this simulator writes: None and Up), checking its structure on the way. */
function readPng(bytes: Buffer): Png {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let at = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  for (;;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('ascii', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.deepEqual([body[8], body[9]], [8, 2], '8-bit truecolour');
    }
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 3;
  assert.equal(raw.length, height * (stride + 1));
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      assert.ok(filter === 0 || filter === 2, `row ${y} filter ${filter}`);
      pixels[y * stride + x] = filter === 2 ? (value + up) & 0xff : value;
    }
  }
  const mean: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < pixels.length; i++) mean[i % 3] += pixels[i]! / (width * height);
  return { width, height, mean };
}

const order = (rgb: number[]) => [0, 1, 2].sort((a, b) => rgb[b]! - rgb[a]!);

describe('generated covers', () => {
  test("AniList's coverImage points at the simulator, a path per size, and each is a PNG of that size in the entry's colour", async () => {
    const res = await postGraphql(sim.anilistUrl, `{ Media(id: ${AOT}) { coverImage { extraLarge large medium color } } }`);
    const cover: Record<string, string> = res.json.data.Media.coverImage;
    const color = catalog.media.get(AOT)!.coverImage.color!;
    assert.deepEqual(cover, {
      extraLarge: `${sim.url}/file/anilistcdn/media/anime/cover/large/bx${AOT}.png`,
      large: `${sim.url}/file/anilistcdn/media/anime/cover/medium/bx${AOT}.png`,
      medium: `${sim.url}/file/anilistcdn/media/anime/cover/small/bx${AOT}.png`,
      color,
    });
    const colour = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
    for (const [size, width, height] of [['extraLarge', 460, 650], ['large', 230, 325], ['medium', 100, 142]] as const) {
      const image: Response = await fetch(cover[size]!);
      assert.equal(image.status, 200, size);
      assert.equal(image.headers.get('content-type'), 'image/png');
      assert.match(image.headers.get('cache-control') ?? '', /max-age=\d{6,}/);
      const png = readPng(Buffer.from(await image.arrayBuffer()));
      assert.deepEqual([png.width, png.height], [width, height], size);
      assert.deepEqual(order(png.mean), order(colour), `${size}: the strongest channels are the cover colour's`);
    }
  });

  test('ETag and If-None-Match: a revalidation is a 304 without a body; HEAD answers the headers', async () => {
    const url = `${sim.url}/file/anilistcdn/media/anime/cover/medium/bx1.png`;
    const first = await fetch(url);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[0-9a-f]{20}"$/);
    const length = (await first.arrayBuffer()).byteLength;
    const again = await fetch(url, { headers: { 'If-None-Match': etag! } });
    assert.equal(again.status, 304);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(length));
    assert.equal(head.headers.get('etag'), etag);
    const other = await fetch(`${sim.url}/file/anilistcdn/media/anime/cover/medium/bx5.png`);
    assert.notEqual(other.headers.get('etag'), etag, 'each entry has its own image');
    // AniList always has a cover (its default image when nobody uploaded one); so does the simulator.
    const uncovered = [...catalog.media.values()].find((m) => m.coverImage.large === null && m.coverImage.color === null)!;
    assert.equal((await fetch(`${sim.url}/file/anilistcdn/media/anime/cover/large/bx${uncovered.id}.png`)).status, 200);
  });

  test("Jikan's images point at the simulator in MyAnimeList's three sizes", async () => {
    const res = await getJson(`${sim.jikanUrl}/anime/${AOT}`);
    const { jpg, webp } = res.json.data.images;
    assert.deepEqual(jpg, webp);
    for (const [key, width] of [['image_url', 225], ['small_image_url', 50], ['large_image_url', 425]] as const) {
      assert.ok(jpg[key].startsWith(`${sim.url}/images/anime/${AOT}`), key);
      const image = await fetch(jpg[key]);
      assert.equal(image.headers.get('content-type'), 'image/png');
      assert.equal(readPng(Buffer.from(await image.arrayBuffer())).width, width);
    }
  });

  test('unknown ids, sizes and methods are refused; image requests are counted apart from the APIs', async () => {
    sim.reset();
    const missing = [
      `/file/anilistcdn/media/anime/cover/large/bx999999999.png`,
      `/file/anilistcdn/media/anime/cover/huge/bx${AOT}.png`,
      `/file/anilistcdn/media/anime/cover/large/bx${AOT}.jpg`,
      `/images/anime/999999999.png`,
      `/images/anime/${AOT}x.png`,
    ];
    for (const path of missing) assert.equal((await fetch(`${sim.url}${path}`)).status, 404, path);
    const post = await fetch(`${sim.url}/images/anime/${AOT}.png`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const stats = sim.stats();
    assert.deepEqual([stats.images.requests, stats.images.responses], [6, { '404': 5, '405': 1 }]);
    assert.equal(stats.anilist.requests + stats.jikan.requests, 0);
  });

  test('URLs follow the Host the client used, so a proxy that reached the simulator by name gets the same name back', async () => {
    const { port } = new URL(sim.url);
    const body = JSON.stringify({ query: `{ Media(id: ${AOT}) { coverImage { large } } }` });
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/anilist', method: 'POST', headers: { Host: `localhost:${port}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          let out = '';
          res.on('data', (c) => (out += c));
          res.on('end', () => resolve(out));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(JSON.parse(text).data.Media.coverImage.large, `http://localhost:${port}/file/anilistcdn/media/anime/cover/medium/bx${AOT}.png`);
  });
});
