import { startSimulator } from './src/sim/simulator.ts';
import { loadCatalog } from './src/catalog/catalog.ts';
import { mediaByIdsQuery } from './src/upstream/anilist/anilist-queries.ts';
const catalog = await loadCatalog();
const sim = await startSimulator({ catalog, latencyMs: 0, jitterMs: 0, anilistRatePerMinute: 10000 });
const level1 = catalog.media.get(80)!.relations.map((r) => r.id).slice(0, 50);
for (const ids of [[80], level1]) for (let d = 1; d <= 3; d++) {
  const t0 = performance.now();
  const res = await fetch(sim.anilistUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: mediaByIdsQuery(d), variables: { ids, perPage: 50 } }) });
  const text = await res.text();
  console.log(ids.length, d, res.status, Math.round(text.length / 1024), 'kB', Math.round(performance.now() - t0), 'ms', text.slice(0, 100).replace(/\n/g, ' '));
}
await sim.close();
