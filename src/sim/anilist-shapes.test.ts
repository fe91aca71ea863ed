import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getNamedType, getNullableType, isListType, isObjectType, isScalarType, isEnumType, isUnionType, type GraphQLObjectType, type GraphQLField } from 'graphql';
import type { Catalog } from '../catalog/catalog.ts';
import { loadAnilistSchema } from './anilist/anilist-schema.ts';
import { PAGE_FIELDS, ROOT_FIELDS } from './anilist/anilist-roots.ts';
import type { RunningSimulator } from './simulator.ts';
import { postGraphql } from '../../test/support/sim-requests.ts';
import { startCatalogSimulator } from '../../test/support/catalog-simulator.ts';

const schema = loadAnilistSchema();
let sim: RunningSimulator;
let catalog: Catalog;

before(async () => ({ sim, catalog } = await startCatalogSimulator()));
after(() => sim.close());

const isConnection = (field: GraphQLField<unknown, unknown>) => {
  const type = getNullableType(field.type);
  return isObjectType(type) && type.name.endsWith('Connection');
};
const isList = (field: GraphQLField<unknown, unknown>) => isListType(getNullableType(field.type));

/** The first scalar field of an object type, to select something inside a list of objects. */
function leaf(type: GraphQLObjectType): string {
  const scalar = Object.values(type.getFields()).find((f) => {
    const named = getNamedType(f.type);
    return (isScalarType(named) || isEnumType(named)) && f.args.every((a) => !isListType(a.type) && getNullableType(a.type) === a.type);
  });
  return scalar ? scalar.name : '__typename';
}

/** Every list and connection field of a type, selected minimally; built from the schema, so a field AniList adds is covered at once. */
function listSelections(typeName: string): { name: string; text: string; connection: boolean }[] {
  const type = schema.getType(typeName) as GraphQLObjectType;
  return Object.values(type.getFields())
    .filter((f) => (isList(f) || isConnection(f)) && f.args.every((a) => getNullableType(a.type) === a.type))
    .map((f) => {
      if (isConnection(f)) return { name: f.name, connection: true, text: `${f.name} { edges { __typename } nodes { __typename } pageInfo { total perPage currentPage lastPage hasNextPage } }` };
      const named = getNamedType(f.type);
      const inner = isObjectType(named) ? ` { ${leaf(named)} }` : isUnionType(named) ? ' { __typename }' : '';
      return { name: f.name, connection: false, text: `${f.name}${inner}` };
    });
}

function assertNoNullLists(value: Record<string, unknown>, fields: { name: string; connection: boolean }[], where: string): void {
  for (const { name, connection } of fields) {
    const got = value[name] as { edges?: unknown; nodes?: unknown; pageInfo?: { total: number } } | unknown[] | null;
    if (connection) {
      assert.ok(got && !Array.isArray(got), `${where}.${name} is a connection object, not null`);
      assert.ok(Array.isArray(got.edges) && Array.isArray(got.nodes), `${where}.${name} has edges and nodes lists`);
      assert.equal(typeof got.pageInfo?.total, 'number', `${where}.${name}.pageInfo`);
    } else {
      assert.ok(Array.isArray(got), `${where}.${name} is a list, got ${JSON.stringify(got)}`);
    }
  }
}

describe('AniList shapes: a list or connection is never null', () => {
  const mediaLists = listSelections('Media');

  test('the schema walk covers the fields public clients read', () => {
    const names = mediaLists.map((f) => f.name);
    for (const name of ['characters', 'staff', 'studios', 'rankings', 'externalLinks', 'streamingEpisodes', 'tags', 'genres', 'synonyms', 'relations', 'recommendations', 'reviews', 'airingSchedule', 'trends']) {
      assert.ok(names.includes(name), name);
    }
  });

  test('every Media list and connection field, on an anime, a synthetic manga and an entry the catalog knows little about', async () => {
    const sparse = [...catalog.media.values()].find((m) => m.studios.length === 0 && m.genres.length === 0 && m.relations.length === 0)!;
    for (const id of [16498, 1016498, sparse.id]) {
      const res = await postGraphql(sim.anilistUrl, `{ Media(id: ${id}) { id stats { scoreDistribution { score } statusDistribution { status } } ${mediaLists.map((f) => f.text).join(' ')} } }`);
      assert.equal(res.status, 200, res.text.slice(0, 400));
      const media = res.json.data.Media;
      assertNoNullLists(media, mediaLists, `Media(${id})`);
      assert.deepEqual(media.stats, { scoreDistribution: [], statusDistribution: [] }, 'stats is an object of lists');
    }
  });

  test('nested: the same through Page.media, relations nodes and a studio', async () => {
    const inner = mediaLists.map((f) => f.text).join(' ');
    const res = await postGraphql(
      sim.anilistUrl,
      `{ Page(perPage: 3) { media(id_in: [1, 5, 16498]) { id relations { nodes { ${inner} } } studios { nodes { name media(perPage: 2) { nodes { ${inner} } } } } } } }`,
    );
    assert.equal(res.status, 200, res.text.slice(0, 400));
    let seen = 0;
    for (const media of res.json.data.Page.media) {
      for (const node of media.relations.nodes) {
        assertNoNullLists(node, mediaLists, `relations of ${media.id}`);
        seen++;
      }
      for (const studio of media.studios.nodes) for (const node of studio.media.nodes) assertNoNullLists(node, mediaLists, studio.name);
    }
    assert.ok(seen > 5);
  });

  test("a connection's pageInfo follows its page and perPage arguments", async () => {
    const res = await postGraphql(sim.anilistUrl, '{ Media(id: 16498) { characters(page: 2, perPage: 10, sort: [ROLE, ID]) { pageInfo { total perPage currentPage lastPage hasNextPage } edges { id } } } }');
    assert.deepEqual(res.json.data.Media.characters, { pageInfo: { total: 0, perPage: 10, currentPage: 2, lastPage: 1, hasNextPage: false }, edges: [] });
  });

  test('every Page field is a list: [] where the catalog has none, and pageInfo counts the first one', async () => {
    const pageLists = listSelections('Page');
    for (const field of pageLists) {
      const args = field.name === 'followers' || field.name === 'following' ? '(userId: 1)' : '';
      const text = field.text.replace(field.name, `${field.name}${args}`);
      const res = await postGraphql(sim.anilistUrl, `{ Page(perPage: 5) { pageInfo { total hasNextPage } ${text} } }`);
      assert.equal(res.status, 200, `${field.name}: ${res.text.slice(0, 300)}`);
      const page = res.json.data.Page;
      assert.ok(Array.isArray(page[field.name]), field.name);
      const rule = PAGE_FIELDS[field.name]!;
      if (rule.answer === 'empty') assert.deepEqual([page[field.name], page.pageInfo.total], [[], 0], field.name);
      else assert.ok(page[field.name].length > 0 && page.pageInfo.total >= page[field.name].length, field.name);
    }
  });
});

describe('AniList root fields: each answered as its rule says', () => {
  test('every Query field has a rule, and the rule holds', async () => {
    const query = schema.getQueryType()!;
    assert.deepEqual(Object.keys(query.getFields()).filter((f) => !ROOT_FIELDS[f]), []);
    const argsFor: Record<string, string> = { Following: '(userId: 1)', Follower: '(userId: 1)', Markdown: '(markdown: "a <b>")', Media: '(id: 1)', Studio: '(search: "sunrise")' };
    for (const [name, rule] of Object.entries(ROOT_FIELDS)) {
      const field = query.getFields()[name]!;
      const named = getNamedType(field.type);
      const selection = isObjectType(named) ? ` { ${leaf(named)} }` : isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
      const res = await postGraphql(sim.anilistUrl, `{ ${name}${argsFor[name] ?? ''}${selection} }`);
      const where = `${name} (${rule.answer})`;
      switch (rule.answer) {
        case 'data':
          assert.equal(res.status, 200, `${where}: ${res.text.slice(0, 300)}`);
          assert.ok(res.json.data[name] !== null, where);
          break;
        case 'empty': {
          assert.equal(res.status, 200, where);
          const value = res.json.data[name];
          assert.ok(Array.isArray(value) || (value !== null && typeof value === 'object'), where);
          break;
        }
        case 'not-found':
          assert.equal(res.status, 404, where);
          assert.deepEqual([res.json.errors[0].message, res.json.errors[0].status], ['Not Found.', 404], where);
          break;
        case 'unauthorized':
          assert.equal(res.status, 401, where);
          assert.equal(res.json.errors[0].message, 'Unauthorized.', where);
          break;
      }
    }
  });

  test('GenreCollection and MediaTagCollection list what the catalog holds', async () => {
    const res = await postGraphql(sim.anilistUrl, '{ GenreCollection MediaTagCollection { id name category isAdult } }');
    const genres = new Set([...catalog.media.values()].flatMap((m) => m.genres));
    assert.deepEqual(res.json.data.GenreCollection, [...genres].sort());
    assert.ok(res.json.data.GenreCollection.includes('Action'));
    const tags = res.json.data.MediaTagCollection;
    assert.ok(tags.some((t: { name: string }) => t.name === 'Space'));
    // A tag has the same id here as on a Media.
    const aot = await postGraphql(sim.anilistUrl, '{ Media(id: 1) { tags { id name } } }');
    const space = aot.json.data.Media.tags.find((t: { name: string }) => t.name === 'Space');
    assert.equal(tags.find((t: { name: string }) => t.name === 'Space').id, space.id);
  });

  test('MediaListCollection of any user is a collection of no lists', async () => {
    const res = await postGraphql(sim.anilistUrl, '{ MediaListCollection(userName: "someone", type: ANIME) { lists { name entries { id } } hasNextChunk } }');
    assert.deepEqual(res.json.data.MediaListCollection, { lists: [], hasNextChunk: false });
  });

  test('studios: search, ids, sort, their anime, and the same ids on Media.studios', async () => {
    const search = await postGraphql(sim.anilistUrl, '{ Page(perPage: 5) { pageInfo { total } studios(search: "wit studio") { id name siteUrl media(sort: START_DATE, perPage: 3) { pageInfo { total } nodes { id startDate { year } } } } } }');
    const wit = search.json.data.Page.studios[0];
    assert.equal(wit.name, 'Wit Studio');
    assert.equal(wit.siteUrl, `https://anilist.co/studio/${wit.id}`);
    const made = [...catalog.media.values()].filter((m) => m.studios.includes('Wit Studio'));
    assert.equal(wit.media.pageInfo.total, made.length);
    const years = wit.media.nodes.map((n: { startDate: { year: number } }) => n.startDate.year);
    assert.deepEqual(years, [...years].sort((a, b) => a - b), 'sorted by START_DATE');
    const aot = await postGraphql(sim.anilistUrl, '{ Media(id: 16498) { studios { nodes { id name } } } }');
    assert.deepEqual(aot.json.data.Media.studios.nodes, [{ id: wit.id, name: 'Wit Studio' }]);
    const byId = await postGraphql(sim.anilistUrl, `{ Studio(id: ${wit.id}) { name } }`);
    assert.equal(byId.json.data.Studio.name, 'Wit Studio');
    const sorted = await postGraphql(sim.anilistUrl, '{ Page(perPage: 50) { studios(sort: NAME_DESC) { name } } }');
    const names = sorted.json.data.Page.studios.map((s: { name: string }) => s.name);
    const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
    assert.deepEqual(names, [...names].sort((a: string, b: string) => collator.compare(b, a)));
    assert.equal((await postGraphql(sim.anilistUrl, '{ Studio(id: 999999) { name } }')).status, 404);
  });
});
