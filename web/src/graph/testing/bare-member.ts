import type { FranchiseMember } from '../../../../src/ingest/franchise-view.ts';

/** A member with nothing known but its id (its title is `#id`) and what a case sets. */
export function bareMember(id: number, fields: Partial<FranchiseMember> = {}): FranchiseMember {
  return {
    id, idMal: null, title: `#${id}`, titles: { romaji: null, english: null, native: null }, format: 'TV', status: null,
    startDate: { year: null, month: null, day: null }, season: null, seasonYear: null, episodes: null, depth: 1,
    averageScore: null, malScore: null, malStatus: null, coverImage: null, coverColor: null, description: null,
    ...fields,
  };
}
