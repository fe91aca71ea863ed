import type { z } from 'zod';
import type { MalInfo } from '../../domain/anime.ts';
import { relationTypeFromMalLabel, type RelationType } from '../../domain/relation-type.ts';
import type { jikanFullSchema } from './jikan-schema.ts';

export interface MalRelation {
  fromMal: number;
  toMal: number;
  type: RelationType;
  /** MyAnimeList's label as sent ("Side Story", "Full story"). */
  label: string;
}

export interface JikanFull {
  malId: number;
  info: MalInfo;
  /** Anime-to-anime relations only (manga entries are the source side of adaptations). */
  relations: MalRelation[];
}

export function toJikanFull(data: z.infer<typeof jikanFullSchema>['data'], fetchedAt: number): JikanFull {
  const relations: MalRelation[] = [];
  for (const group of data.relations ?? []) {
    const type = relationTypeFromMalLabel(group.relation);
    for (const entry of group.entry) {
      if (entry.type.toLowerCase() === 'anime') relations.push({ fromMal: data.mal_id, toMal: entry.mal_id, type, label: group.relation });
    }
  }
  return {
    malId: data.mal_id,
    info: { score: data.score ?? null, rank: data.rank ?? null, members: data.members ?? null, rating: data.rating ?? null, status: 'ok', fetchedAt },
    relations,
  };
}
