import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatClass, isGoodMatch, rankByTitle, titleMatch, type TitleCandidate } from './title-ranking.ts';

// Real entries from the offline catalog (titles, synonyms, format, minutes per episode,
// average score), with the popularity the simulator reports for them.
const entry = (
  id: number,
  format: string,
  duration: number | null,
  [romaji, english, native]: [string, string | null, string],
  synonyms: string[],
  popularity: number,
  averageScore: number | null = null,
): TitleCandidate => ({ id, format, duration, title: { romaji, english, native }, synonyms, popularity, averageScore });

const DESTINY = entry(139074, 'MUSIC', 4, ['Unmei', 'Destiny', '運命'], ['Fate'], 1_200, 52);
const FATE_ZERO = entry(10087, 'TV', 28, ['Fate/Zero', 'Fate/Zero', 'Fate/Zero'], ['F/Z'], 560_972, 81);
const FATE_ZERO_2 = entry(11741, 'TV', 24, ['Fate/Zero 2nd Season', 'Fate/Zero Season 2', 'Fate/Zero 2ndシーズン'], ['F/Z'], 639_470, 84);
const FATE_STAY_NIGHT = entry(356, 'TV', 24, ['Fate/stay night', 'Fate/stay night', 'Fate/stay night'], ['Fate - Stay Night'], 337_710, 68);
const UBW = entry(19603, 'TV', 24, ['Fate/stay night: Unlimited Blade Works', 'Fate/stay night [Unlimited Blade Works]', 'Fate/stay night [UBW]'], ['Fate/stay night'], 540_238, 82);
const HEAVENS_FEEL_3 = entry(
  21719,
  'MOVIE',
  125,
  ["Fate/stay night [Heaven's Feel] III. spring song", "Fate/stay night: Heaven's Feel - III. Spring Song", 'Fate/stay night[HF] III'],
  ['Fate/HF III'],
  667_387,
  85,
);
const AOT = entry(16498, 'TV', 24, ['Shingeki no Kyojin', 'Attack on Titan', '進撃の巨人'], ['AoT', 'SnK'], 648_896, 85);
const AOT_S3P2 = entry(104578, 'TV', 23, ['Shingeki no Kyojin Season 3 Part 2', 'Attack on Titan Season 3 Part 2', '進撃の巨人 Season３ Part.2'], ['AoT 3'], 805_896, 90);
const SKYTREE = entry(110640, 'MOVIE', 7, ['Shingeki no Kyotou', 'Attack on Skytree', '進撃の巨塔'], ['Attack on Titan', 'SnK'], 199_493, 58);
const TYTANIA = entry(4066, 'TV', 25, ['Tytania', 'Tytania', 'タイタニア'], ['Titania'], 261_801, 62);
const TURN_A = entry(95, 'TV', 24, ['∀ Gundam', '∀ Gundam', '∀ガンダム'], ['Mobile Suit Gundam Turn A'], 452_437, 80);
const GUNDAM = entry(80, 'TV', 25, ['Kidou Senshi Gundam', 'Mobile Suit Gundam', '機動戦士ガンダム'], ['First Gundam', 'MSG'], 441_754, 77);
const IBO_2 = entry(21749, 'TV', 24, ['Kidou Senshi Gundam: Tekketsu no Orphans 2', 'Mobile Suit Gundam: Iron-Blooded Orphans 2nd Season', '機動戦士ガンダム 鉄血のオルフェンズ 2'], ['Gundam IBO'], 551_051, 80);
const ENDLESS_WALTZ = entry(91, 'OVA', 30, ['Shin Kidou Senki Gundam Wing: Endless Waltz', 'Mobile Suit Gundam Wing: Endless Waltz', '新機動戦記ガンダムW'], [], 431_048, 78);
const BAKEMONOGATARI = entry(5081, 'TV', 24, ['Bakemonogatari', 'Bakemonogatari', '化物語'], ['Ghostory', 'Monogatari'], 575_872, 82);
const MONOGATARI_S2 = entry(17074, 'TV', 24, ['Monogatari Series: Second Season', 'Monogatari Series: Second Season', '〈物語〉シリーズ セカンドシーズン'], ['Kabukimonogatari'], 709_043, 88);
const LUPIN_MV = entry(9035, 'MUSIC', 3, ['Lupin the Third x Monkey Majik', null, 'Lupin The Third'], ['Lupin III', 'Monkey Majik'], 201_970, 61);
const LUPIN_813 = entry(17403, 'SPECIAL', 80, ['Kaitou Lupin: 813 no Nazo', null, '怪盗ルパン 813の謎'], ['Lupin the Thief: Enigma of the 813'], 196_496);
const LUPIN_FILM = entry(900084, 'MOVIE', null, ['LUPIN THE IIIRD THE MOVIE: Fujimi no Ketsuzoku', 'LUPIN THE IIIRD: The Movie - The Immortal Bloodline', 'LUPIN THE IIIRD THE MOVIE 不死身の血族'], [], 178);
const GITS = entry(43, 'MOVIE', 83, ['GHOST IN THE SHELL: Koukaku Kidoutai', 'Ghost in the Shell', '攻殻機動隊'], ['GitS'], 561_621, 80);
const GITS_SAC = entry(467, 'TV', 25, ['Koukaku Kidoutai: STAND ALONE COMPLEX', 'Ghost in the Shell: Stand Alone Complex', '攻殻機動隊 SAC'], ['Ghost in the Shell SAC'], 605_060, 82);
const NGE = entry(30, 'TV', 24, ['Shin Seiki Evangelion', 'Neon Genesis Evangelion', '新世紀エヴァンゲリオン'], ['NGE', 'Eva'], 590_498, 83);
const EVA_4 = entry(3786, 'MOVIE', 154, ['Shin Evangelion Movie:||', 'Evangelion: 3.0+1.0 Thrice Upon a Time', 'シン・エヴァンゲリオン劇場版:||'], ['Rebuild of Evangelion'], 651_125, 85);
const HELLSING = entry(270, 'TV', 23, ['HELLSING', 'Hellsing', 'HELLSING'], ['ヘルシング'], 381_566, 72);
const HELLSING_ULTIMATE = entry(777, 'OVA', 49, ['HELLSING OVA', 'Hellsing Ultimate', 'HELLSING OVA'], ['ヘルシング OVA'], 582_395, 81);

const best = (query: string, candidates: TitleCandidate[]) => rankByTitle(query, candidates)[0]!.candidate.id;
const order = (query: string, candidates: TitleCandidate[]) => rankByTitle(query, candidates).map((r) => r.candidate.id);

test('how a title meets the query: exact, prefix, whole word, partial, none', () => {
  assert.equal(titleMatch('Attack on Titan', AOT), 'exact');
  assert.equal(titleMatch('  ATTACK on titan!! ', AOT), 'exact', 'case, punctuation and spacing are folded');
  assert.equal(titleMatch('shingeki', AOT), 'prefix');
  assert.equal(titleMatch('attack on tit', AOT), 'prefix', 'a title being typed still matches');
  assert.equal(titleMatch('titan', AOT), 'word');
  assert.equal(titleMatch('monogatari', MONOGATARI_S2), 'prefix');
  assert.equal(titleMatch('monogatari', entry(1, 'TV', 24, ['Nisemonogatari', null, '偽物語'], [], 1)), 'partial');
  assert.equal(titleMatch('titan attack', AOT), 'partial', 'every word, another order');
  assert.equal(titleMatch('fate', DESTINY), 'exact', 'a synonym counts');
  assert.equal(titleMatch('evangelion', NGE), 'word');
  assert.equal(titleMatch('naruto', AOT), 'none');
  assert.equal(titleMatch('!!!', AOT), 'none', 'nothing to match');
});

test('a symbol the fold drops must be typed for an exact match', () => {
  assert.equal(titleMatch('gundam', TURN_A), 'prefix', '"∀ Gundam" is not the title "Gundam"');
  assert.equal(titleMatch('∀ gundam', TURN_A), 'exact');
  assert.equal(titleMatch('lucky star', entry(1887, 'TV', 24, ['Lucky☆Star', 'Lucky☆Star', 'らき☆すた'], ['Lucky Star'], 1)), 'exact', 'a synonym without it');
});

test('good matches are the ones a person meant', () => {
  assert.deepEqual(
    (['exact', 'prefix', 'word', 'partial', 'none'] as const).map(isGoodMatch),
    [true, true, true, false, false],
  );
});

test('format classes: series and feature films, then shorts, then extras, then music videos', () => {
  assert.equal(formatClass('TV', 24), 0);
  assert.equal(formatClass('MOVIE', 125), 0);
  assert.equal(formatClass('MOVIE', null), 0);
  assert.equal(formatClass('ONA', 24), 0, 'an ONA series');
  assert.equal(formatClass('ONA', 3), 1, 'ONA shorts');
  assert.equal(formatClass('ONA', null), 1);
  assert.equal(formatClass('MOVIE', 7), 1, 'a short film');
  assert.equal(formatClass('TV_SHORT', 3), 1);
  assert.equal(formatClass('OVA', 30), 2);
  assert.equal(formatClass('SPECIAL', 24), 2);
  assert.equal(formatClass(null, null), 2);
  assert.equal(formatClass('MUSIC', 4), 3);
});

test('"fate" is a Fate TV series, not the music video whose synonym it is exactly', () => {
  const candidates = [DESTINY, HEAVENS_FEEL_3, FATE_ZERO, FATE_ZERO_2, FATE_STAY_NIGHT, UBW];
  const ranked = order('fate', candidates);
  assert.equal(ranked[0], FATE_ZERO_2.id, 'the most popular Fate series');
  assert.equal(ranked.at(-1), DESTINY.id, 'the music video last');
  assert.ok(ranked.indexOf(HEAVENS_FEEL_3.id) > ranked.indexOf(FATE_STAY_NIGHT.id), 'a series before a film at the same match');
});

test('an exact main title beats a more popular sequel and an exact synonym', () => {
  assert.equal(best('attack on titan', [AOT_S3P2, SKYTREE, AOT]), AOT.id);
  assert.equal(best('fate/stay night', [UBW, HEAVENS_FEEL_3, FATE_STAY_NIGHT]), FATE_STAY_NIGHT.id, "356's own title, not UBW's synonym");
  assert.equal(best('mobile suit gundam', [IBO_2, TURN_A, ENDLESS_WALTZ, GUNDAM]), GUNDAM.id);
});

test('a whole word counts as much as a prefix: popularity decides among series', () => {
  assert.equal(best('titan', [TYTANIA, AOT, AOT_S3P2]), AOT_S3P2.id, 'Attack on Titan, not Tytania');
  assert.equal(best('evangelion', [EVA_4, NGE]), NGE.id, 'the series before the films');
  assert.equal(best('gundam', [TURN_A, GUNDAM, ENDLESS_WALTZ, IBO_2]), IBO_2.id);
});

test('exactness decides between a film and a series when only one is exact', () => {
  assert.equal(best('ghost in the shell', [GITS_SAC, GITS]), GITS.id);
  assert.equal(best('hellsing', [HELLSING_ULTIMATE, HELLSING]), HELLSING.id, 'the TV series before the more popular OVA');
});

test('a partial match ranks below any good one, whatever its format', () => {
  const nisemonogatari = entry(11597, 'TV', 24, ['Nisemonogatari', 'Nisemonogatari', '偽物語'], [], 900_000, 90);
  assert.deepEqual(order('monogatari', [nisemonogatari, MONOGATARI_S2, BAKEMONOGATARI]), [BAKEMONOGATARI.id, MONOGATARI_S2.id, nisemonogatari.id]);
});

test('lupin: a film, then specials, the music video last', () => {
  assert.deepEqual(order('lupin', [LUPIN_MV, LUPIN_813, LUPIN_FILM]), [LUPIN_FILM.id, LUPIN_813.id, LUPIN_MV.id]);
});

test('ties fall to popularity, then score, then the lower id; duplicates and non-matches are kept once, last', () => {
  const a = entry(20, 'TV', 24, ['Same', null, 'Same'], [], 10, 70);
  const b = entry(10, 'TV', 24, ['Same', null, 'Same'], [], 10, 80);
  const c = entry(5, 'TV', 24, ['Same', null, 'Same'], [], 10, 80);
  const d = entry(1, 'TV', 24, ['Other', null, 'Other'], [], 99, 99);
  assert.deepEqual(order('same', [d, a, b, c, a]), [5, 10, 20, 1]);
  assert.equal(rankByTitle('same', [d])[0]!.match, 'none');
});
