import { getNullableType, isListType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { PAGE_FIELDS, ROOT_FIELDS, type FieldRule } from './anilist/anilist-roots.ts';
import { mediaArgumentRules } from './anilist/media-arguments.ts';
import { REFUSED_SORTS } from './anilist/media-sort.ts';
import { MediaView } from './anilist/media-view.ts';
import { JIKAN_ROUTES } from './jikan/jikan-routes.ts';
import { WORK_ID_BASE } from './source-work.ts';

/**
 * What the simulator models and refuses, built from the very tables the endpoints answer from
 * (AniList's root and Page field rules, the Media argument table, the refused sorts, the Jikan
 * route table), so `GET /__sim/capabilities` and `tsunagu sim --help` cannot disagree with the
 * simulator or with each other.
 */
export function simulatorContract(schema: GraphQLSchema) {
  const media = schema.getType('Media') as GraphQLObjectType;
  const args = mediaArgumentRules(schema.getQueryType()!.getFields().Media!);
  const listFields = Object.values(media.getFields()).filter((f) => {
    const type = getNullableType(f.type);
    return isListType(type) || (isObjectType(type) && type.name.endsWith('Connection'));
  });
  const answered = new Set(Object.getOwnPropertyNames(MediaView.prototype));
  const rules = (table: Readonly<Record<string, FieldRule>>) => Object.entries(table).map(([field, rule]) => ({ field, ...rule }));
  return {
    anilist: {
      endpoint: 'POST /anilist (also GET ?query=)',
      rootFields: rules(ROOT_FIELDS),
      pageFields: rules(PAGE_FIELDS),
      mediaArguments: {
        honoured: [...args].filter(([, r]) => r.kind !== 'refused').map(([name]) => name),
        refused: [...args].flatMap(([name, r]) => (r.kind === 'refused' ? [{ argument: name, why: r.reason }] : [])),
      },
      sorts: { refused: Object.entries(REFUSED_SORTS).map(([sort, why]) => ({ sort: `${sort}, ${sort}_DESC`, why })), honoured: 'every other MediaSort value' },
      mediaLists: {
        fromCatalog: listFields.filter((f) => answered.has(f.name)).map((f) => f.name),
        alwaysEmpty: listFields.filter((f) => !answered.has(f.name)).map((f) => f.name),
        rule: 'a list or connection the catalog cannot fill is [] or {edges: [], nodes: [], pageInfo}, never null, at any depth',
      },
      limits: 'rate limit and X-RateLimit headers, 429 with Retry-After, perPage clamped to 50, the result cap (pages past it are a 400), complexity cap 500',
    },
    jikan: {
      endpoint: 'GET /jikan/v4',
      routes: JIKAN_ROUTES.map((route) => ({
        path: route.path,
        answer: route.answer,
        doc: route.doc,
        ...(route.list ? { parameters: route.list.params.map((p) => ({ name: p.name, doc: p.doc })) } : {}),
      })),
      validation: "a bad parameter value is HTTP 400 ValidationException with `messages` naming it, in Jikan's wording",
      unknownParameters: 'ignored, as Jikan ignores them, and named in the X-Sim-Ignored-Parameters response header',
      otherRoutes: 'HTTP 404 HttpException "Not Found", as Jikan answers a route it does not have',
      limits: '3/s and 60/min (knobs), 429 RateLimitException, 24 h cache headers on single resources',
    },
    synthetic: {
      sourceWorks:
        `manga and novels derived from each anime's source (MANGA, LIGHT_NOVEL, NOVEL, WEB_NOVEL, DOUJINSHI, COMIC), type MANGA, ` +
        `AniList ids ${WORK_ID_BASE} + the lowest anime id adapting them; MAL manga ids (lowest MAL id x 7919) mod 65521, so like real ones they may equal an unrelated anime's MAL id; ` +
        'SOURCE/ADAPTATION edges, and SPIN_OFF/SIDE_STORY/ALTERNATIVE where the anime are so linked; games and visual novels get none (neither site lists them)',
      derived: 'MAL members, scored_by, rank, popularity, favorites, statistics; AniList popularity, favourites, updatedAt; studio/producer ids; tag ids; covers; Jikan synopses (marked synthetic)',
    },
  };
}

export type SimulatorContract = ReturnType<typeof simulatorContract>;

/** The same contract as text, for `tsunagu sim --help`. */
export function renderContract(contract: SimulatorContract): string {
  const lines: string[] = ['What the simulator models (GET /__sim/capabilities answers the same as JSON; docs/simulator.md explains it):', ''];
  const { anilist, jikan, synthetic } = contract;
  lines.push(`AniList  ${anilist.endpoint}`);
  const byAnswer = (rules: { field: string; answer: string }[]) =>
    ['data', 'empty', 'not-found', 'unauthorized']
      .map((answer) => [answer, rules.filter((r) => r.answer === answer).map((r) => r.field)] as const)
      .filter(([, fields]) => fields.length > 0)
      .map(([answer, fields]) => `    ${answer}: ${fields.join(', ')}`);
  lines.push('  Query fields:', ...byAnswer(anilist.rootFields), '  Page fields:', ...byAnswer(anilist.pageFields));
  lines.push(`  Media/Page.media arguments honoured: ${anilist.mediaArguments.honoured.join(', ')}`);
  lines.push(`  refused (HTTP 400 naming it): ${anilist.mediaArguments.refused.map((r) => `${r.argument} (${r.why})`).join('; ')}`);
  lines.push(`  sorts: ${anilist.sorts.honoured}; refused: ${anilist.sorts.refused.map((r) => `${r.sort} (${r.why})`).join('; ')}`);
  lines.push(`  Media lists always empty: ${anilist.mediaLists.alwaysEmpty.join(', ')}`, `  ${anilist.mediaLists.rule}`, `  limits: ${anilist.limits}`, '');
  lines.push(`Jikan  ${jikan.endpoint}`);
  for (const route of jikan.routes) {
    lines.push(`  ${route.path}  [${route.answer}] ${route.doc}`);
    if ('parameters' in route && route.parameters) lines.push(`      parameters: ${route.parameters.map((p) => p.name).join(', ')}`);
  }
  lines.push(`  validation: ${jikan.validation}`, `  unknown parameters: ${jikan.unknownParameters}`, `  other routes: ${jikan.otherRoutes}`, `  limits: ${jikan.limits}`, '');
  lines.push(`Synthetic data: ${synthetic.sourceWorks}.`, `Derived: ${synthetic.derived}.`);
  return lines.join('\n');
}
