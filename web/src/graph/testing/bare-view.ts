import type { FranchiseMember, FranchiseView } from '../../../../src/ingest/franchise-view.ts';

/**
 * A hand-made franchise of `members` (the first is the root) joined by `relations`: every
 * member a main entry, in the order given in all three watch orders; no stats.
 */
export function bareView(members: FranchiseMember[], relations: FranchiseView['relations']): FranchiseView {
  const ids = members.map((member) => member.id);
  const root = ids[0] ?? 0;
  return {
    franchise: { id: root, title: `#${root}`, size: members.length, truncated: false, stale: false },
    members,
    relations,
    watchOrder: { recommended: ids.map((id) => ({ id, role: 'main', reason: 'main story, where it aired' })), release: ids, story: ids },
    stats: { durationMs: 0, discoveryMs: 0, enrichmentMs: 0, upstreamRequests: { anilist: 0, jikan: 0 }, failures: [] },
  };
}
