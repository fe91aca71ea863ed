import { CachedBody } from './cached-body.ts';

export interface ReadCacheOptions {
  /** Bytes the cache may hold (bodies plus the encodings made of them); 0 keeps nothing (READ_CACHE_MB). */
  maxBytes: number;
  /** The store's data version (store.dataVersion): read once per lookup, so a write from any process is seen at once. */
  version: () => Promise<number>;
  /** ms since epoch, for a body's validUntil. */
  now: () => number;
}

/** What a loader answers: the value to serve, what to keep beside it, and until when it holds with no write. */
export interface Loaded<M> {
  value: unknown;
  meta: M;
  validUntil?: number;
}

interface Slot {
  version: number;
  body: CachedBody<any>;
}

/**
 * Answers computed once per data version and served as stored bytes (CachedBody). A lookup
 * reads the version (one indexed row), and a body stored under that version and still valid
 * by the clock is served as it is; otherwise the loader runs, once for all requests waiting
 * on the same key and version. Bounded by bytes, least recently used first out.
 *
 * Keys must name everything an answer depends on besides the stored data (route, ids,
 * parameters); nothing that depends on who asks may be cached (docs/read-cache.md).
 */
export class ReadCache {
  /** Key to its body, in least-recently-used-first order (a hit re-inserts). */
  private readonly slots = new Map<string, Slot>();
  /** `version|key` to the load running for it. */
  private readonly loading = new Map<string, Promise<CachedBody<any> | null>>();
  /** Bytes of the stored bodies and their encodings. */
  private held = 0;

  constructor(private readonly options: ReadCacheOptions) {}

  /** The body for `key` at the current data version; null (never stored) when the loader answers null. */
  async get<M>(key: string, load: () => Promise<Loaded<M> | null>): Promise<CachedBody<M> | null> {
    const version = await this.options.version();
    const slot = this.slots.get(key);
    if (slot && slot.version === version && this.options.now() < slot.body.validUntil) {
      this.slots.delete(key);
      this.slots.set(key, slot);
      return slot.body;
    }
    const loadKey = `${version}|${key}`;
    let pending = this.loading.get(loadKey);
    if (!pending) {
      pending = load().then((loaded) => (loaded ? new CachedBody(loaded.value, loaded.meta, loaded.validUntil) : null));
      this.loading.set(loadKey, pending);
      pending
        .then((body) => {
          if (body) this.store(key, version, body);
        })
        .catch(() => undefined)
        .finally(() => this.loading.delete(loadKey));
    }
    return pending;
  }

  /** Bytes held now (bodies and their encodings). */
  get size(): number {
    return this.held;
  }

  private store(key: string, version: number, body: CachedBody<any>): void {
    const current = this.slots.get(key);
    // A slower load of an older version must not replace a newer one.
    if (current && current.version > version) return;
    if (this.options.maxBytes <= 0 || body.bytes > this.options.maxBytes) return;
    if (current) this.drop(key, current);
    this.slots.set(key, { version, body });
    this.held += body.bytes;
    // An encoding made later grows the body: counted then, and the oldest make room.
    body.onGrow = (bytes) => {
      if (this.slots.get(key)?.body !== body) return;
      this.held += bytes;
      this.evict();
    };
    this.evict();
  }

  private drop(key: string, slot: Slot): void {
    this.slots.delete(key);
    slot.body.onGrow = undefined;
    this.held -= slot.body.bytes;
  }

  private evict(): void {
    for (const [key, slot] of this.slots) {
      if (this.held <= this.options.maxBytes) break;
      this.drop(key, slot);
    }
  }
}
