import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** One labelled entry: [AniList id, a human label (format, year, title) so the file can be read and reviewed]. */
const labelled = z.tuple([z.number().int().positive(), z.string()]);

/**
 * A hand-made watch guide for one franchise: who belongs and in which order a careful guide
 * would watch them. `entries` are the members in the guide's order; `notListed` are entries
 * of the franchise a guide would not list (commercials, collaboration promos), neither
 * missed nor leaked when output; `others` are entries of other franchises found next to it,
 * each one output is a cross-franchise leak.
 */
export const franchiseGuideSchema = z.object({
  name: z.string().min(1),
  /** The entry `tsunagu discover` is asked for. */
  root: z.number().int().positive(),
  /** Where the judgement comes from (own knowledge or public knowledge, never copied text). */
  source: z.string().min(1),
  entries: z.array(labelled).min(1),
  notListed: z.array(labelled).default([]),
  others: z.array(labelled).default([]),
});

export type FranchiseGuide = z.infer<typeof franchiseGuideSchema> & { slug: string };

export const GUIDES_DIR = fileURLToPath(new URL('./franchise-guides/', import.meta.url));

/** Every guide in `dir`, by file name; a guide that does not parse, or names an id twice, fails with its file. */
export function loadGuides(dir: string = GUIDES_DIR): FranchiseGuide[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const parsed = franchiseGuideSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const guide = { ...parsed.data, slug: name.replace(/\.json$/, '') };
      const ids = [...guide.entries, ...guide.notListed, ...guide.others].map(([id]) => id);
      const twice = ids.find((id, i) => ids.indexOf(id) !== i);
      if (twice !== undefined) throw new Error(`${name}: id ${twice} is listed twice`);
      if (!guide.entries.some(([id]) => id === guide.root)) throw new Error(`${name}: the root ${guide.root} is not among the entries`);
      return guide;
    });
}
