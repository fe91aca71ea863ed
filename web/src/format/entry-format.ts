import type { FranchiseMember } from '../../../src/ingest/franchise-view.ts';

type Member = Pick<FranchiseMember, 'format' | 'season' | 'seasonYear' | 'startDate' | 'episodes' | 'status'>;

const FORMATS: Record<string, string> = {
  TV: 'TV',
  TV_SHORT: 'TV short',
  MOVIE: 'Movie',
  SPECIAL: 'Special',
  OVA: 'OVA',
  ONA: 'ONA',
  MUSIC: 'Music video',
};

const STATUSES: Record<string, string> = {
  FINISHED: 'Finished',
  RELEASING: 'Airing',
  NOT_YET_RELEASED: 'Not yet aired',
  CANCELLED: 'Cancelled',
  HIATUS: 'On hiatus',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Words for an upstream enum we have no label for: `SOME_VALUE` reads "Some value". */
function humanise(value: string): string {
  const words = value.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatLabel(format: string | null): string {
  return format === null ? 'Unknown format' : (FORMATS[format] ?? humanise(format));
}

export function statusLabel(status: string | null): string {
  return status === null ? 'Unknown status' : (STATUSES[status] ?? humanise(status));
}

/** "Spring 2013" when AniList knows the season, else the start month and year, else "TBA". */
export function whenLabel(member: Member): string {
  if (member.season && member.seasonYear) return `${humanise(member.season)} ${member.seasonYear}`;
  const { year, month } = member.startDate;
  if (year === null) return 'TBA';
  return month !== null && month >= 1 && month <= 12 ? `${MONTHS[month - 1]} ${year}` : String(year);
}

export function episodesLabel(episodes: number | null, format: string | null): string {
  // A single-episode movie reads better without its count.
  if (format === 'MOVIE' && (episodes === null || episodes === 1)) return '';
  if (episodes === null) return '? episodes';
  return episodes === 1 ? '1 episode' : `${episodes} episodes`;
}

/** The card's one-line summary, e.g. "TV · Spring 2013 · 25 episodes". */
export function entrySummary(member: Member): string {
  return [formatLabel(member.format), whenLabel(member), episodesLabel(member.episodes, member.format)]
    .filter(Boolean)
    .join(' · ');
}

/** AniList's averageScore is 0-100. */
export function anilistScoreLabel(score: number | null): string {
  return score === null ? '–' : `${Math.round(score)}%`;
}

/** MAL's score is 1-10 with two decimals; a missing score says why when MAL enrichment knows. */
export function malScoreLabel(member: Pick<FranchiseMember, 'malScore' | 'malStatus' | 'idMal'>): string {
  const { malScore: score, malStatus } = member;
  if (score !== null) return score.toFixed(2);
  if (malStatus === 'missing' || member.idMal === null) return 'not on MAL';
  if (malStatus === 'failed') return 'fetch failed';
  if (malStatus === null) return 'pending';
  return '–';
}

export function durationLabel(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
