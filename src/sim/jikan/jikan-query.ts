import { searchTitles } from '../title-search.ts';

/** One anime or manga as Jikan's list endpoints filter and order it. */
export interface ListRecord {
  malId: number;
  title: string;
  type: string | null;
  status: string | null;
  rating: string | null;
  score: number | null;
  scoredBy: number | null;
  rank: number | null;
  popularity: number | null;
  members: number;
  favorites: number;
  episodes: number | null;
  chapters: number | null;
  volumes: number | null;
  /** aired.from / published.from, ISO 8601. */
  from: string | null;
  to: string | null;
  airing: boolean;
  season: string | null;
  year: number | null;
  broadcastDay: string | null;
  /** Every MAL genre id of the four lists. */
  genreIds: number[];
  demographicIds: number[];
  explicitIds: number[];
  /** Producer, licensor and studio ids (anime), magazine ids (manga: none known). */
  companyIds: number[];
}

/** What every list endpoint's records have: an id, a title and a popularity figure (q's tie-break). */
export interface Listed {
  malId: number;
  title: string;
  members: number;
}

export type Predicate<R = ListRecord> = (record: R) => boolean;
export type SortKey<R = ListRecord> = (record: R) => number | string | null;

/** What one parameter adds to the query. */
export interface ParamEffect<R = ListRecord> {
  filter?: Predicate<R>;
  /** `order_by`, `sort`, `q`, `letter`, `page`, `limit` steer the query rather than filter it. */
  orderBy?: string;
  descending?: boolean;
  search?: string;
  page?: number;
  limit?: number;
}

/** One query parameter of a Jikan list endpoint: how it is validated and what it does, with a line for the contract. */
export interface ParamSpec<R = ListRecord> {
  name: string;
  doc: string;
  /** A flag: present without a value means true (`?sfw`). */
  flag?: boolean;
  /** The effect, or Jikan's validation message. `query` holds the other parameters (for rules that look at two). */
  read(raw: string, query: URLSearchParams): ParamEffect<R> | { error: string };
}

/** Laravel's attribute name in messages: `min_score` reads "min score". */
export const attribute = (name: string) => name.replace(/_/g, ' ');

export const MAX_LIMIT = 25;

export function integerParam<R = ListRecord>(name: string, doc: string, min: number, max: number | null, use: (value: number) => ParamEffect<R>): ParamSpec<R> {
  return {
    name,
    doc,
    read(raw) {
      if (!/^-?\d+$/.test(raw)) return { error: `The ${attribute(name)} must be an integer.` };
      const value = Number(raw);
      if (value < min) return { error: `The ${attribute(name)} must be at least ${min}.` };
      if (max !== null && value > max) return { error: `Value ${value} is higher than the configured '${max}' max value.` };
      return use(value);
    },
  };
}

export function numberParam(name: string, doc: string, min: number, max: number, use: (value: number) => ParamEffect, prohibits: string[] = []): ParamSpec {
  return {
    name,
    doc,
    read(raw, query) {
      const clash = prohibits.filter((other) => query.has(other));
      if (clash.length > 0) return { error: `The ${attribute(name)} field prohibits ${clash.map(attribute).join(' / ')} from being present.` };
      if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(raw)) return { error: `The ${attribute(name)} must be a number.` };
      const value = Number(raw);
      if (value < min || value > max) return { error: `The ${attribute(name)} must be between ${min} and ${max}.` };
      return use(value);
    },
  };
}

/** Jikan's enums accept their lowercase values; the simulator also takes any case. `-` and `_` are one (tv-special). */
export function enumParam<R = ListRecord>(name: string, doc: string, phpEnum: string, values: Record<string, ParamEffect<R>>): ParamSpec<R> {
  return {
    name,
    doc: `${doc} (${Object.keys(values).join(', ')})`,
    read(raw) {
      const effect = values[raw.toLowerCase().replace(/-/g, '_')];
      return effect ?? { error: `The ${name} field is not a valid App\\Enums\\${phpEnum}.` };
    },
  };
}

/** Jikan's flags: `?sfw` alone means true, as do true/1; false/0 mean false. */
export function booleanParam(name: string, doc: string, use: (value: boolean) => ParamEffect): ParamSpec {
  return {
    name,
    doc,
    flag: true,
    read(raw) {
      const value = { '': true, true: true, '1': true, false: false, '0': false }[raw.toLowerCase()];
      return value === undefined ? { error: `The ${attribute(name)} field must be true or false.` } : use(value);
    },
  };
}

/** Comma-separated ids; a part that is not a number is id 0 and matches nothing, as Jikan's integer cast does. */
export function idsParam(name: string, doc: string, use: (ids: number[]) => ParamEffect): ParamSpec {
  return {
    name,
    doc,
    read(raw) {
      const ids = raw.split(',').filter((part) => part.trim() !== '').map((part) => Number.parseInt(part.trim(), 10) || 0);
      return ids.length === 0 ? {} : use(ids);
    },
  };
}

/** Y-m-d, or Y-m or Y (the start of that month or year), compared as ISO strings. */
export function dateParam(name: string, doc: string, use: (iso: string) => ParamEffect, before?: string): ParamSpec {
  const parse = (raw: string) => {
    const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(raw);
    if (!m) return null;
    const iso = `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}`;
    return Number.isNaN(Date.parse(iso)) ? null : iso;
  };
  return {
    name,
    doc,
    read(raw, query) {
      const iso = parse(raw);
      if (!iso) return { error: `The ${attribute(name)} does not match the format Y-m-d.` };
      const other = before ? query.get(before) : null;
      const end = other ? parse(other) : null;
      if (end && iso > end) return { error: `The ${attribute(name)} must be a date before or equal to ${attribute(before!)}.` };
      return use(`${iso}T00:00:00+00:00`);
    },
  };
}

export function pageParams<R = ListRecord>(): ParamSpec<R>[] {
  return [
    integerParam<R>('page', 'page number, from 1', 1, null, (page) => ({ page })),
    integerParam<R>('limit', `results per page, 1-${MAX_LIMIT}`, 1, MAX_LIMIT, (limit) => ({ limit })),
  ];
}

export function sortParam<R = ListRecord>(): ParamSpec<R> {
  return enumParam<R>('sort', 'direction of order_by', 'SortDirection', { asc: { descending: false }, desc: { descending: true } });
}

export function orderByParam<R = ListRecord>(phpEnum: string, keys: Record<string, SortKey<R>>): ParamSpec<R> {
  return enumParam<R>('order_by', 'order by this field', phpEnum, Object.fromEntries(Object.keys(keys).map((k) => [k, { orderBy: k }])));
}

export function searchParams<R extends Listed = ListRecord>(): ParamSpec<R>[] {
  return [
  {
    name: 'q',
    doc: 'title search (every title and synonym, case and diacritics folded); ranks by match, then members',
    read: (raw) => (raw.length > 255 ? { error: 'The q may not be greater than 255 characters.' } : { search: raw }),
  },
  {
    name: 'letter',
    doc: 'titles starting with this letter (not with q)',
    read(raw, query) {
      if (query.has('q')) return { error: 'The letter field prohibits q from being present.' };
      if ([...raw].length !== 1) return { error: 'The letter must be 1 characters.' };
      if (!/^\p{L}$/u.test(raw)) return { error: 'The letter must only contain letters.' };
      return { filter: (r) => r.title.toLowerCase().startsWith(raw.toLowerCase()) };
    },
  },
  ];
}

/** What a list endpoint takes: its parameters and the keys order_by (or its fixed order) sorts on. */
export interface ListSpec<R = ListRecord> {
  params: ParamSpec<R>[];
  orderKeys: Record<string, SortKey<R>>;
  /** The order without order_by or q: a key and direction. */
  defaultOrder: { key: string; descending: boolean };
}

export interface ListAnswer<R = ListRecord> {
  items: R[];
  page: number;
  limit: number;
  total: number;
  /** Parameters Jikan would ignore; the simulator names them in a header. */
  ignored: string[];
}

/**
 * Runs a list query: validates every known parameter (collecting Jikan's messages, one per
 * parameter), applies the filters, orders (order_by with sort, else q's match tier, else the
 * endpoint's own order) and pages. A missing value sorts as MongoDB does: below every other, so
 * first ascending and last descending. Ties fall to mal_id.
 */
export function runList<R extends Listed>(
  spec: ListSpec<R>,
  query: URLSearchParams,
  records: Iterable<R>,
  /** Normalised titles to mal_ids of every record, for `q` (built once per catalog). */
  titles: ReadonlyMap<string, readonly number[]>,
): ListAnswer<R> | { messages: Record<string, string[]> } {
  const messages: Record<string, string[]> = {};
  const filters: Predicate<R>[] = [];
  const steer: ParamEffect<R> = {};
  const known = new Set(spec.params.map((p) => p.name));
  for (const param of spec.params) {
    const raw = query.get(param.name);
    // An empty value is no value, except for flags (`?sfw`).
    if (raw === null || (raw === '' && !param.flag)) continue;
    const effect = param.read(raw, query);
    if ('error' in effect) {
      messages[param.name] = [effect.error];
      continue;
    }
    if (effect.filter) filters.push(effect.filter);
    Object.assign(steer, { ...effect, filter: undefined });
  }
  if (Object.keys(messages).length > 0) return { messages };

  let items = [...records].filter((r) => filters.every((f) => f(r)));
  const matches = steer.search?.trim() ? searchTitles(titles, steer.search) : null;
  if (matches) items = items.filter((r) => matches.has(r.malId));
  if (steer.orderBy) sortBy(items, spec.orderKeys[steer.orderBy]!, steer.descending ?? false);
  else if (matches) items.sort((a, b) => matches.get(b.malId)! - matches.get(a.malId)! || b.members - a.members || a.malId - b.malId);
  else sortBy(items, spec.orderKeys[spec.defaultOrder.key]!, steer.descending ?? spec.defaultOrder.descending);

  const page = steer.page ?? 1;
  const limit = steer.limit ?? MAX_LIMIT;
  const ignored = [...new Set(query.keys())].filter((name) => !known.has(name));
  return { items: items.slice((page - 1) * limit, page * limit), page, limit, total: items.length, ignored };
}

function sortBy<R extends Listed>(items: R[], key: SortKey<R>, descending: boolean): void {
  const keys = new Map(items.map((r) => [r.malId, key(r)]));
  const sign = descending ? -1 : 1;
  items.sort((a, b) => {
    const x = keys.get(a.malId)!;
    const y = keys.get(b.malId)!;
    if (x !== y) {
      if (x === null) return -sign;
      if (y === null) return sign;
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      if (order !== 0) return order * sign;
    }
    return a.malId - b.malId;
  });
}

/** Jikan's pagination block of a search. */
export function pagination(answer: { items: unknown[]; page: number; limit: number; total: number }) {
  return {
    last_visible_page: Math.max(1, Math.ceil(answer.total / answer.limit)),
    has_next_page: answer.page * answer.limit < answer.total,
    current_page: answer.page,
    items: { count: answer.items.length, total: answer.total, per_page: answer.limit },
  };
}
