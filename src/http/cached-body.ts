import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export type Encoding = 'br' | 'gzip' | 'identity';

/** Bodies smaller than this go out as they are: compressing them saves less than the header costs. */
export const COMPRESS_MIN_BYTES = 1024;

/**
 * Brotli quality 6: on 140 entries' JSON (137 KiB) about 15% larger than quality 11 but in
 * 7 ms against 390. Each version is compressed once, but during an ingest versions change
 * every batch, and the first reader of each waits for it.
 */
const BROTLI_QUALITY = 6;

/**
 * One JSON answer as bytes: serialised once, each encoding made the first time a client asks
 * for it (off the event loop, in libuv's pool) and kept with it. The ETag is weak, from the
 * content: one tag for every encoding of the same JSON, and a new data version that changes
 * nothing in this answer keeps its tag (a client's copy stays good).
 */
export class CachedBody<M = unknown> {
  readonly identity: Buffer;
  readonly etag: string;
  /** Encodings made so far; a failed one is dropped so the next request tries again. */
  private readonly encoded = new Map<Exclude<Encoding, 'identity'>, Promise<Buffer>>();
  /** Bytes held by finished encodings, for the cache's budget. */
  private encodedBytes = 0;
  /** Told the size of each encoding when it is made (the cache that holds this body counts it). */
  onGrow: ((bytes: number) => void) | undefined;

  constructor(
    value: unknown,
    /** What the caller keeps beside the bytes (a franchise's stale flag). */
    readonly meta: M,
    /** ms since epoch (the app's clock) until which the bytes hold with no write; Infinity: until the next write. */
    readonly validUntil = Number.POSITIVE_INFINITY,
  ) {
    this.identity = Buffer.from(JSON.stringify(value));
    this.etag = `W/"${createHash('sha1').update(this.identity).digest('base64url')}"`;
  }

  get bytes(): number {
    return this.identity.byteLength + this.encodedBytes;
  }

  /** The body in `encoding`, compressed now if this is the first request for it. */
  async in(encoding: Encoding): Promise<Buffer> {
    if (encoding === 'identity') return this.identity;
    let pending = this.encoded.get(encoding);
    if (!pending) {
      pending = encoding === 'br'
        ? brotliAsync(this.identity, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: this.identity.byteLength } })
        : gzipAsync(this.identity, { level: 6 });
      this.encoded.set(encoding, pending);
      pending.then(
        (out) => {
          this.encodedBytes += out.byteLength;
          this.onGrow?.(out.byteLength);
        },
        () => this.encoded.delete(encoding),
      );
    }
    return pending;
  }
}
