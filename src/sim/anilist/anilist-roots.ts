import type { GraphQLObjectType, GraphQLSchema } from 'graphql';

/**
 * How the simulator answers one field of AniList's Query or Page:
 * - `data`: from the catalog (the media, studios, genres and tags it holds);
 * - `empty`: the catalog has none of these, so the answer is AniList's empty shape ([], an empty
 *   connection, a collection of no lists), never null;
 * - `not-found`: a lookup of one thing the catalog has none of: AniList's 404 `Not Found.`;
 * - `unauthorized`: needs a signed-in user, which the simulator has not: AniList's 401 `Unauthorized.`.
 */
export type FieldAnswer = 'data' | 'empty' | 'not-found' | 'unauthorized';

export interface FieldRule {
  answer: FieldAnswer;
  why: string;
}

const NO_USERS = 'the simulator has no users';
const NONE = (what: string): FieldRule => ({ answer: 'not-found', why: `the catalog has no ${what}` });

export const ROOT_FIELDS: Readonly<Record<string, FieldRule>> = {
  Page: { answer: 'data', why: 'pages of media and studios; every other Page field is an empty list' },
  Media: { answer: 'data', why: 'the anime and the synthetic manga and novels; every argument honoured or refused' },
  Studio: { answer: 'data', why: 'the studios the catalog names, with their anime' },
  GenreCollection: { answer: 'data', why: "the catalog's genres" },
  MediaTagCollection: { answer: 'data', why: "the catalog's tags (no categories or descriptions)" },
  Markdown: { answer: 'data', why: 'the text, escaped, as one paragraph' },
  MediaListCollection: { answer: 'empty', why: `${NO_USERS}: every list collection is empty` },
  SiteStatistics: { answer: 'empty', why: 'no site statistics: every connection is empty' },
  ThreadComment: { answer: 'empty', why: 'the catalog has no forum' },
  ExternalLinkSourceCollection: { answer: 'empty', why: 'the catalog has no external links' },
  Character: NONE('characters'),
  Staff: NONE('staff'),
  AiringSchedule: NONE('airing schedules'),
  MediaTrend: NONE('trends'),
  Review: NONE('reviews'),
  Recommendation: NONE('recommendations'),
  Thread: NONE('forum threads'),
  Activity: NONE('activities'),
  ActivityReply: NONE('activities'),
  MediaList: { answer: 'not-found', why: `${NO_USERS}, so no list entries` },
  User: { answer: 'not-found', why: NO_USERS },
  Following: { answer: 'not-found', why: NO_USERS },
  Follower: { answer: 'not-found', why: NO_USERS },
  Like: { answer: 'not-found', why: NO_USERS },
  Viewer: { answer: 'unauthorized', why: `${NO_USERS}, so nobody is signed in` },
  Notification: { answer: 'unauthorized', why: `${NO_USERS}, so nobody is signed in` },
  AniChartUser: { answer: 'unauthorized', why: `${NO_USERS}, so nobody is signed in` },
};

const EMPTY_LIST = (what: string): FieldRule => ({ answer: 'empty', why: `the catalog has no ${what}: always []` });

export const PAGE_FIELDS: Readonly<Record<string, FieldRule>> = {
  pageInfo: { answer: 'data', why: "counts the Page's first list field" },
  media: { answer: 'data', why: 'every argument honoured or refused (see the Media arguments)' },
  studios: { answer: 'data', why: 'every argument honoured: id filters, search, StudioSort' },
  characters: EMPTY_LIST('characters'),
  staff: EMPTY_LIST('staff'),
  airingSchedules: EMPTY_LIST('airing schedules'),
  mediaTrends: EMPTY_LIST('trends'),
  reviews: EMPTY_LIST('reviews'),
  recommendations: EMPTY_LIST('recommendations'),
  threads: EMPTY_LIST('forum threads'),
  threadComments: EMPTY_LIST('forum threads'),
  activities: EMPTY_LIST('activities'),
  activityReplies: EMPTY_LIST('activities'),
  users: { answer: 'empty', why: `${NO_USERS}: always []` },
  mediaList: { answer: 'empty', why: `${NO_USERS}: always []` },
  followers: { answer: 'empty', why: `${NO_USERS}: always []` },
  following: { answer: 'empty', why: `${NO_USERS}: always []` },
  likes: { answer: 'empty', why: `${NO_USERS}: always []` },
  notifications: { answer: 'empty', why: `${NO_USERS}: always []` },
};

/** Fails at start when the schema has a Query or Page field without a rule, so none is answered by accident. */
export function checkFieldRules(schema: GraphQLSchema): void {
  const missing = (type: GraphQLObjectType, rules: Readonly<Record<string, FieldRule>>) =>
    Object.keys(type.getFields())
      .filter((name) => !rules[name])
      .map((name) => `${type.name}.${name}`);
  const unruled = [...missing(schema.getQueryType()!, ROOT_FIELDS), ...missing(schema.getType('Page') as GraphQLObjectType, PAGE_FIELDS)];
  if (unruled.length > 0) throw new Error(`no simulator rule for ${unruled.join(', ')}; answer, empty or refuse each`);
}
