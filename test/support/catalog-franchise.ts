import type { Catalog } from '../../src/catalog/catalog.ts';
import { relationsFromCatalog, walkEntryFromCatalog } from '../../src/catalog/catalog-to-domain.ts';
import { walkFranchise } from '../../src/domain/franchise-walk.ts';
import type { Relation } from '../../src/domain/relation-type.ts';

/** Attack on Titan's members in the offline catalog, by name (AniList ids). */
export const AOT = {
  S1: 16498,
  OAD: 18397,
  CRIMSON_BOW: 20691,
  NO_REGRETS: 20811,
  WINGS_OF_FREEDOM: 20692,
  JUNIOR_HIGH: 21281,
  S2: 20958,
  LOST_GIRLS: 99634,
  ROAR_OF_AWAKENING: 100465,
  S3: 99147,
  S3_PART_2: 104578,
  CHRONICLE: 119113,
  FINAL_SEASON: 110277,
  FINAL_SEASON_PART_2: 131681,
  FINAL_CHAPTERS: 146984,
  FINAL_CHAPTERS_SPECIAL_2: 162314, // 2023, month and day unknown
  // Members through one-way edges: each names a season its PARENT, the season lists it as OTHER.
  CHIBI_1: 19391,
  SKYTREE: 110640,
  REQUIEM_MV: 150005,
  CHIBI_LEVI: 108942,
  CHIBI_LEVI_2: 900390, // 2019, month and day unknown
  CHIBI_FINAL: 139754,
};

/**
 * A franchise walked over the catalog, as the store hands it to the watch orders: member ids
 * in walk order, and AniList's edges among them.
 */
export function catalogFranchise(catalog: Catalog, root: number): { ids: number[]; relations: Relation[] } {
  const ids = [
    ...walkFranchise(root, (id) => {
      const media = catalog.media.get(id);
      return media && walkEntryFromCatalog(media);
    }).members.keys(),
  ];
  const members = new Set(ids);
  return { ids, relations: ids.flatMap((id) => relationsFromCatalog(catalog.media.get(id)!)).filter((r) => members.has(r.to)) };
}
