import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { catalogMalSchema, catalogMediaSchema, type CatalogMal, type CatalogMedia } from './catalog-schema.ts';
import { normaliseTitle } from '../domain/title.ts';

export type { CatalogMal, CatalogMedia };

const DEFAULT_DIR = fileURLToPath(new URL('../../data/catalog/', import.meta.url));

/** The offline catalog, indexed by AniList id, MAL id and normalised title. */
export class Catalog {
  readonly media = new Map<number, CatalogMedia>();
  readonly mal = new Map<number, CatalogMal>();
  /** AniList entries by their MAL id. */
  readonly mediaByMalId = new Map<number, CatalogMedia>();
  /** Normalised title (any of romaji, english, native, synonyms) to AniList ids. */
  readonly mediaByTitle = new Map<string, number[]>();

  addMedia(entry: CatalogMedia): void {
    this.media.set(entry.id, entry);
    if (entry.idMal !== null) this.mediaByMalId.set(entry.idMal, entry);
    const titles = [entry.title.romaji, entry.title.english, entry.title.native, ...entry.synonyms];
    for (const key of new Set(titles.filter((t): t is string => !!t).map(normaliseTitle))) {
      if (!key) continue;
      const ids = this.mediaByTitle.get(key);
      if (ids) ids.push(entry.id);
      else this.mediaByTitle.set(key, [entry.id]);
    }
  }

  addMal(entry: CatalogMal): void {
    this.mal.set(entry.mal_id, entry);
  }
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

/** Streams a gzipped JSON-lines file, validating each line; a bad line fails with its file and number. */
export async function* readJsonLines<T>(path: string, schema: z.ZodType<T>): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new CatalogError(`${path}:${n}: not valid JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CatalogError(`${path}:${n}: ${issue?.path.join('.') || '(line)'}: ${issue?.message}`);
    }
    yield parsed.data;
  }
}

export interface LoadCatalogOptions {
  /** Folder holding anilist-media.jsonl.gz and mal-anime.jsonl.gz. Default: the project's data/catalog. */
  dir?: string;
  /** Skip the MAL file (AniList-only users load twice as fast). Default false. */
  anilistOnly?: boolean;
}

const cache = new Map<string, Promise<Catalog>>();

/** Loads the catalog once per process and folder; later calls share the same instance. */
export function loadCatalog(options: LoadCatalogOptions = {}): Promise<Catalog> {
  const dir = options.dir ?? DEFAULT_DIR;
  const key = `${dir}|${options.anilistOnly ? 'a' : 'am'}`;
  let loading = cache.get(key);
  if (!loading) {
    loading = readCatalog(dir, options.anilistOnly ?? false);
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
  }
  return loading;
}

async function readCatalog(dir: string, anilistOnly: boolean): Promise<Catalog> {
  const catalog = new Catalog();
  const media = (async () => {
    for await (const entry of readJsonLines(`${dir}/anilist-media.jsonl.gz`, catalogMediaSchema)) catalog.addMedia(entry);
  })();
  const mal = anilistOnly
    ? Promise.resolve()
    : (async () => {
        for await (const entry of readJsonLines(`${dir}/mal-anime.jsonl.gz`, catalogMalSchema)) catalog.addMal(entry);
      })();
  await Promise.all([media, mal]);
  return catalog;
}
