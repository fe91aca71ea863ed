/**
 * MyAnimeList's genre list (the ids and names of myanimelist.net/anime.php and Jikan's
 * /genres/anime), written from MAL's public pages. Each id is a genre, an explicit genre, a theme or
 * a demographic, which is how Jikan splits them in an anime object.
 */
export type GenreGroup = 'genres' | 'explicit_genres' | 'themes' | 'demographics';

export interface MalGenre {
  mal_id: number;
  name: string;
  group: GenreGroup;
}

const TABLE: [GenreGroup, [number, string][]][] = [
  [
    'genres',
    [
      [1, 'Action'], [2, 'Adventure'], [5, 'Avant Garde'], [46, 'Award Winning'], [28, 'Boys Love'], [4, 'Comedy'],
      [8, 'Drama'], [10, 'Fantasy'], [26, 'Girls Love'], [47, 'Gourmet'], [14, 'Horror'], [7, 'Mystery'], [22, 'Romance'],
      [24, 'Sci-Fi'], [36, 'Slice of Life'], [30, 'Sports'], [37, 'Supernatural'], [41, 'Suspense'],
    ],
  ],
  ['explicit_genres', [[9, 'Ecchi'], [49, 'Erotica'], [12, 'Hentai']]],
  [
    'themes',
    [
      [50, 'Adult Cast'], [51, 'Anthropomorphic'], [52, 'CGDCT'], [53, 'Childcare'], [54, 'Combat Sports'], [81, 'Crossdressing'],
      [55, 'Delinquents'], [39, 'Detective'], [56, 'Educational'], [57, 'Gag Humor'], [58, 'Gore'], [35, 'Harem'],
      [59, 'High Stakes Game'], [13, 'Historical'], [60, 'Idols (Female)'], [61, 'Idols (Male)'], [62, 'Isekai'], [63, 'Iyashikei'],
      [64, 'Love Polygon'], [65, 'Magical Sex Shift'], [66, 'Mahou Shoujo'], [17, 'Martial Arts'], [18, 'Mecha'], [67, 'Medical'],
      [38, 'Military'], [19, 'Music'], [6, 'Mythology'], [68, 'Organized Crime'], [69, 'Otaku Culture'], [20, 'Parody'],
      [70, 'Performing Arts'], [71, 'Pets'], [40, 'Psychological'], [3, 'Racing'], [72, 'Reincarnation'], [73, 'Reverse Harem'],
      [74, 'Romantic Subtext'], [21, 'Samurai'], [23, 'School'], [75, 'Showbiz'], [29, 'Space'], [11, 'Strategy Game'],
      [31, 'Super Power'], [76, 'Survival'], [77, 'Team Sports'], [78, 'Time Travel'], [82, 'Urban Fantasy'], [32, 'Vampire'],
      [79, 'Video Game'], [83, 'Villainess'], [80, 'Visual Arts'], [48, 'Workplace'],
    ],
  ],
  ['demographics', [[43, 'Josei'], [15, 'Kids'], [42, 'Seinen'], [25, 'Shoujo'], [27, 'Shounen']]],
];

export const MAL_GENRES: readonly MalGenre[] = TABLE.flatMap(([group, rows]) => rows.map(([mal_id, name]) => ({ mal_id, name, group })));

/**
 * Names the catalog uses for the same ids: MAL's own names before its 2022 rework (same ids), and
 * spellings of other sites. Every other name in the catalog (AniDB-style tags such as "Earth" or
 * "Science Fiction") is not a MyAnimeList genre and is left out of Jikan's answers.
 */
const ALIASES: Readonly<Record<string, number>> = {
  'shounen ai': 28,
  yaoi: 28,
  'shoujo ai': 26,
  yuri: 26,
  thriller: 41,
  police: 39,
  cars: 3,
  game: 11,
  dementia: 5,
  demons: 6,
  'cross dressing': 81,
  delinquent: 55,
};

const byName = new Map(MAL_GENRES.map((g) => [g.name.toLowerCase(), g]));
const byId = new Map(MAL_GENRES.map((g) => [g.mal_id, g]));

/** The MAL genres a list of catalog genre names stands for, each once, in the order first named. */
export function malGenresOf(names: readonly string[]): MalGenre[] {
  const found = new Map<number, MalGenre>();
  for (const name of names) {
    const key = name.toLowerCase();
    const genre = byName.get(key) ?? byId.get(ALIASES[key] ?? 0);
    if (genre && !found.has(genre.mal_id)) found.set(genre.mal_id, genre);
  }
  return [...found.values()];
}
