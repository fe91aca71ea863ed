/**
 * Where the simulator serves its generated covers: the real hosts' paths (one path per size) on
 * the simulator's own origin, so a client that proxies by host only has to allow the simulator.
 */

export interface ImageSize {
  width: number;
  height: number;
}

/** AniList's cover sizes; each lives in its CDN folder one name smaller (extraLarge in /large/). */
const ANILIST_SIZES = {
  extraLarge: { folder: 'large', width: 460, height: 650 },
  large: { folder: 'medium', width: 230, height: 325 },
  medium: { folder: 'small', width: 100, height: 142 },
} as const;

/** MyAnimeList's three sizes, told apart by a suffix on the file name. */
const MAL_SIZES = {
  image_url: { suffix: '', width: 225, height: 318 },
  small_image_url: { suffix: 't', width: 50, height: 70 },
  large_image_url: { suffix: 'l', width: 425, height: 600 },
} as const;

const ANILIST_PATH = /^\/file\/anilistcdn\/media\/(anime|manga)\/cover\/(large|medium|small)\/bx(\d+)\.png$/;
const MAL_PATH = /^\/images\/(anime|manga)\/(\d+)([tl]?)\.png$/;

/** Both sites keep anime and manga covers in folders of their own. */
export type CoverKind = 'anime' | 'manga';

export function anilistCoverUrls(origin: string, id: number, kind: CoverKind = 'anime'): { extraLarge: string; large: string; medium: string } {
  const at = (size: keyof typeof ANILIST_SIZES) => `${origin}/file/anilistcdn/media/${kind}/cover/${ANILIST_SIZES[size].folder}/bx${id}.png`;
  return { extraLarge: at('extraLarge'), large: at('large'), medium: at('medium') };
}

export function malImageUrls(origin: string, malId: number, kind: CoverKind = 'anime'): { image_url: string; small_image_url: string; large_image_url: string } {
  const at = (size: keyof typeof MAL_SIZES) => `${origin}/images/${kind}/${malId}${MAL_SIZES[size].suffix}.png`;
  return { image_url: at('image_url'), small_image_url: at('small_image_url'), large_image_url: at('large_image_url') };
}

export interface CoverRequest extends ImageSize {
  /** Whose id: an AniList media id or a MyAnimeList anime (or manga) id. */
  source: 'anilist' | 'mal';
  kind: CoverKind;
  id: number;
}

/** The cover a path asks for, or null when the path is not a cover path. */
export function parseCoverPath(pathname: string): CoverRequest | null {
  const anilist = ANILIST_PATH.exec(pathname);
  if (anilist) {
    const size = Object.values(ANILIST_SIZES).find((s) => s.folder === anilist[2])!;
    return { source: 'anilist', kind: anilist[1] as CoverKind, id: Number(anilist[3]), width: size.width, height: size.height };
  }
  const mal = MAL_PATH.exec(pathname);
  if (mal) {
    const size = Object.values(MAL_SIZES).find((s) => s.suffix === mal[3])!;
    return { source: 'mal', kind: mal[1] as CoverKind, id: Number(mal[2]), width: size.width, height: size.height };
  }
  return null;
}

/** Whether a path belongs to the image routes at all (so a bad size or id is a 404 image, not a missing route). */
export function isImagePath(pathname: string): boolean {
  return pathname.startsWith('/file/anilistcdn/') || pathname.startsWith('/images/anime/') || pathname.startsWith('/images/manga/');
}
