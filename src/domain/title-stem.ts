import type { Titles } from './anime.ts';
import { normaliseTitle } from './title.ts';

/*
 * Title stems: the evidence that two entries AniList links only loosely (OTHER, CHARACTER) or
 * through a recap of several works belong to one franchise.
 *
 * A stem is the romaji or English title up to its first subtitle separator (a colon, a slash,
 * " - ", "~", an opening bracket, "!" or "?"), through normaliseTitle, when it keeps at least
 * four letters or digits and is not a generic word ("movie", "gekijouban", ...). Two entries
 * share a stem when a stem of one is the other's whole title or the start of it, word for
 * word: "Code Geass: Boukoku no Akito" and "Code Geass: Hangyaku no Lelouch" share "code
 * geass"; ".hack//Quantum" and ".hack//SIGN" share "hack"; "Kidou Senshi Gundam" is the start
 * of "Kidou Senshi Gundam-san"; "Hetalia: The World Twinkle OVA" starts with "hetalia".
 *
 * Over the 2,690 OTHER/CHARACTER pairs of the offline catalog it matches 682, nearly all one
 * franchise. The false positives found are brand families whose series are separate works:
 * Blood+ / Blood-C / Blood: The Last Vampire, Canvas / Canvas 2, White Album / White Album 2,
 * the Beyblade, Yu-Gi-Oh!, Mega Man (Rockman), Digimon ("Digimon: Digital Monsters" against
 * Xros Wars), Time Bokan and Transformers generations, and crossovers named after one side
 * ("Hanma Baki VS Kengan Ashura", "Garou Densetsu x Street Fighter"), which join the side
 * that names them but never the other one.
 */

/** Text that ends a title's stem: what separates a series name from a subtitle. */
const SEPARATOR = /\s*(?::|\/|\s[-–~]\s|[(\[!?！？：～])\s*/u;

/** A stem must keep this many letters or digits: shorter ones ("K", "Ai") join unrelated titles. */
const MIN_STEM_LENGTH = 4;

/** Stems that name a kind of release, not a franchise. */
const GENERIC = new Set(['gekijouban', 'eiga', 'movie', 'the movie', 'shin', 'zoku', 'new', 'special', 'specials', 'ova', 'ona', 'anime', 'the animation']);

/** Folded titles and stems per titles object: the walk compares the same entries again and again. */
const folded = new WeakMap<Titles, string[]>();
const stemsOf = new WeakMap<Titles, string[]>();

/** The romaji and English titles, each through normaliseTitle. */
function foldedTitles(titles: Titles): string[] {
  let list = folded.get(titles);
  if (!list) {
    list = [...new Set([titles.romaji, titles.english].filter((t): t is string => !!t).map(normaliseTitle).filter(Boolean))];
    folded.set(titles, list);
  }
  return list;
}

/** The entry's stems (see above), without repeats. */
export function titleStems(titles: Titles): string[] {
  let list = stemsOf.get(titles);
  if (!list) {
    list = computeStems(titles);
    stemsOf.set(titles, list);
  }
  return list;
}

function computeStems(titles: Titles): string[] {
  const stems = new Set<string>();
  for (const title of [titles.romaji, titles.english]) {
    if (!title) continue;
    const head = title.split(SEPARATOR).find((part) => part.trim() !== '') ?? '';
    const stem = normaliseTitle(head);
    if (stem.replace(/ /g, '').length >= MIN_STEM_LENGTH && !GENERIC.has(stem)) stems.add(stem);
  }
  return [...stems];
}

const startsWithWords = (title: string, stem: string) => title === stem || title.startsWith(`${stem} `);

/** True when a stem of either entry is the whole title, or its first words, of the other. */
export function shareTitleStem(a: Titles, b: Titles): boolean {
  const covers = (from: Titles, to: Titles) => {
    const titles = foldedTitles(to);
    return titleStems(from).some((stem) => titles.some((title) => startsWithWords(title, stem)));
  };
  return covers(a, b) || covers(b, a);
}
