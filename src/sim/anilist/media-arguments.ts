import type { GraphQLField } from 'graphql';
import type { CatalogMedia } from '../../catalog/catalog.ts';
import type { DerivedFigures } from '../derived-figures.ts';
import { AnilistError } from './anilist-error.ts';
import { countryOfOrigin, fuzzyDateInt, mediaType, tagRank } from './media-fields.ts';

/** What a filter may read besides the entry. */
export interface FilterContext {
  figures: DerivedFigures;
}

export type MediaArgs = Record<string, unknown>;
export type MediaPredicate = (media: CatalogMedia) => boolean;

/**
 * How the simulator treats one Media / Page.media argument: a filter it applies, an argument read
 * elsewhere (sort, search, minimumTagRank), or one it refuses by name because the catalog cannot
 * answer it. Nothing is ignored: mediaArgumentRules fails on an argument without a rule.
 */
export type ArgumentRule =
  | { kind: 'filter'; build: (value: unknown, args: MediaArgs, ctx: FilterContext) => MediaPredicate }
  | { kind: 'handled' }
  | { kind: 'refused'; reason: string };

type Scalar = string | number | boolean;

interface ScalarField {
  read: (media: CatalogMedia, ctx: FilterContext) => Scalar | null;
  /** Checks and normalises an argument value; the schema's types already hold for the rest. */
  input?: (argument: string, value: unknown) => Scalar;
}

const fuzzyDateInput = (argument: string, value: unknown): number => {
  const number = typeof value === 'string' && /^\d{1,8}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 99_999_999) {
    throw new AnilistError(`argument ${argument} must be a FuzzyDateInt (YYYYMMDD, 0 for unknown parts), got ${JSON.stringify(value)}`, 400);
  }
  return number;
};

const countryInput = (argument: string, value: unknown): string => {
  if (typeof value !== 'string' || !/^[A-Za-z]{2}$/.test(value)) {
    throw new AnilistError(`argument ${argument} must be an ISO 3166-1 alpha-2 country code, got ${JSON.stringify(value)}`, 400);
  }
  return value.toUpperCase();
};

const SCALARS: Record<string, ScalarField> = {
  id: { read: (m) => m.id },
  idMal: { read: (m) => m.idMal },
  type: { read: mediaType },
  format: { read: (m) => m.format },
  status: { read: (m) => m.status },
  season: { read: (m) => m.season },
  seasonYear: { read: (m) => m.seasonYear },
  episodes: { read: (m) => m.episodes },
  duration: { read: (m) => m.duration },
  // Anime have neither; AniList compares against null and matches nothing.
  chapters: { read: () => null },
  volumes: { read: () => null },
  isAdult: { read: (m) => m.isAdult },
  averageScore: { read: (m) => m.averageScore },
  popularity: { read: (m, ctx) => ctx.figures.anilistPopularity(m.id) },
  source: { read: (m) => m.source },
  countryOfOrigin: { read: countryOfOrigin, input: countryInput },
  startDate: { read: (m) => fuzzyDateInt(m.startDate), input: fuzzyDateInput },
  endDate: { read: (m) => fuzzyDateInt(m.endDate), input: fuzzyDateInput },
};

/** AniList's default minimumTagRank. */
const DEFAULT_TAG_RANK = 18;

/** List fields, matched case-insensitively as AniList's database collation does. */
const LISTS: Record<string, (media: CatalogMedia, args: MediaArgs) => string[]> = {
  genre: (m) => m.genres,
  // A tag below minimumTagRank counts as absent for every tag filter.
  tag: (m, args) => m.tags.filter((_, i) => tagRank(i) >= ((args.minimumTagRank as number | null) ?? DEFAULT_TAG_RANK)),
};

const NO_LICENSING = 'the catalog has no licensing or streaming data';
const REFUSED: Record<string, string> = {
  onList: 'it has no users, so nothing is on a list',
  licensedBy: NO_LICENSING,
  licensedById: NO_LICENSING,
  isLicensed: NO_LICENSING,
  tagCategory: 'the catalog has no tag categories',
};

const HANDLED = new Set(['sort', 'search', 'minimumTagRank']);

const values = (value: unknown): Scalar[] => (value as (Scalar | null)[]).filter((v): v is Scalar => v !== null);

/** SQL LIKE (% any run, _ one character) as a whole-string match. */
function likePattern(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

type ScalarOp = (expected: unknown, field: ScalarField, argument: string) => (actual: Scalar | null) => boolean;

// Null never matches a comparison, as in SQL: an entry without a start date is reached by no date filter.
const SCALAR_OPS: Record<string, ScalarOp> = {
  '': (v, f, a) => {
    const want = f.input ? f.input(a, v) : v;
    return (x) => x === want;
  },
  _not: (v, f, a) => {
    const want = f.input ? f.input(a, v) : v;
    return (x) => x !== null && x !== want;
  },
  _in: (v, f, a) => {
    const want = new Set(values(v).map((x) => (f.input ? f.input(a, x) : x)));
    return (x) => x !== null && want.has(x);
  },
  _not_in: (v, f, a) => {
    const want = new Set(values(v).map((x) => (f.input ? f.input(a, x) : x)));
    // SQL's NOT IN () is always true, nulls included.
    return (x) => want.size === 0 || (x !== null && !want.has(x));
  },
  _greater: (v, f, a) => {
    const bound = f.input ? f.input(a, v) : v;
    return (x) => x !== null && x > (bound as Scalar);
  },
  _lesser: (v, f, a) => {
    const bound = f.input ? f.input(a, v) : v;
    return (x) => x !== null && x < (bound as Scalar);
  },
  _like: (v) => {
    const pattern = likePattern(String(v));
    return (x) => x !== null && pattern.test(String(x));
  },
};

type ListOp = (expected: string[]) => (actual: string[]) => boolean;

const LIST_OPS: Record<string, ListOp> = {
  '': ([want]) => (have) => have.includes(want),
  // AniList's genre_in and tag_in narrow: an entry must have every one (its browse page adds them up).
  _in: (want) => (have) => want.every((w) => have.includes(w)),
  _not_in: (want) => (have) => !want.some((w) => have.includes(w)),
};

const SUFFIXES = ['_not_in', '_greater', '_lesser', '_like', '_not', '_in', ''];

function ruleFor(argument: string): ArgumentRule | undefined {
  if (HANDLED.has(argument)) return { kind: 'handled' };
  const suffix = SUFFIXES.find((s) => argument.endsWith(s))!;
  const base = argument.slice(0, argument.length - suffix.length);
  if (REFUSED[base]) return { kind: 'refused', reason: REFUSED[base] };
  const scalar = SCALARS[base];
  const scalarOp = SCALAR_OPS[suffix];
  if (scalar && scalarOp) {
    return {
      kind: 'filter',
      build: (value, _args, ctx) => {
        const test = scalarOp(value, scalar, argument);
        return (media) => test(scalar.read(media, ctx));
      },
    };
  }
  const list = LISTS[base];
  const listOp = LIST_OPS[suffix];
  if (list && listOp) {
    return {
      kind: 'filter',
      build: (value, args) => {
        const want = (Array.isArray(value) ? values(value) : [value]).map((v) => String(v).toLowerCase());
        const test = listOp(want);
        return (media) => test(list(media, args).map((v) => v.toLowerCase()));
      },
    };
  }
  return undefined;
}

/** A rule for every argument of `field` (Query.Media or Page.media); throws naming any argument left without one. */
export function mediaArgumentRules(field: GraphQLField<unknown, unknown>): Map<string, ArgumentRule> {
  const rules = new Map<string, ArgumentRule>();
  const missing: string[] = [];
  for (const arg of field.args) {
    const rule = ruleFor(arg.name);
    if (rule) rules.set(arg.name, rule);
    else missing.push(arg.name);
  }
  if (missing.length > 0) throw new Error(`${field.name}: no simulator rule for argument(s) ${missing.join(', ')}; honour or refuse each`);
  return rules;
}

/** The given arguments (null means not given, as on AniList) as one predicate; throws AnilistError for a refused one. */
export function mediaFilter(rules: ReadonlyMap<string, ArgumentRule>, args: MediaArgs, ctx: FilterContext): MediaPredicate {
  const tests: MediaPredicate[] = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === null || value === undefined) continue;
    const rule = rules.get(name);
    if (rule?.kind === 'refused') throw new AnilistError(`argument ${name} is not supported by the simulator: ${rule.reason}`, 400);
    if (rule?.kind === 'filter') tests.push(rule.build(value, args, ctx));
  }
  return (media) => tests.every((test) => test(media));
}
