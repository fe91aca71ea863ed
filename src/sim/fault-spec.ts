/** The two upstreams the simulator plays. */
export type Upstream = 'anilist' | 'jikan';
export const UPSTREAMS: readonly Upstream[] = ['anilist', 'jikan'];

/** Faults rolled once per request (at most one per request). */
export const REQUEST_FAULTS = ['429', 'storm', '500', '502', '504', 'html403', 'hang', 'truncate'] as const;
/** Faults in the content itself, decided once per entry so an entry looks the same on every fetch. */
export const CONTENT_FAULTS = ['casing', 'script', 'label'] as const;

export type RequestFault = (typeof REQUEST_FAULTS)[number];
export type ContentFault = (typeof CONTENT_FAULTS)[number];
export type FaultKind = RequestFault | ContentFault;

export interface FaultRule {
  kind: FaultKind;
  /** 0-1: per request for request faults, per entry for content faults. */
  probability: number;
  upstreams: Upstream[];
  /** storm only: how long every request answers 429, seconds. */
  stormSeconds: number;
}

export const DEFAULT_STORM_SECONDS = 10;

// Relation labels only exist on MyAnimeList's side; AniList's are an enum that cannot vary.
const CONTENT_FAULT_UPSTREAMS: Record<ContentFault, Upstream[]> = {
  casing: ['jikan'],
  label: ['jikan'],
  script: ['anilist', 'jikan'],
};

export const FAULT_GRAMMAR = `comma-separated kind=probability[:seconds][@anilist|@jikan]
  request faults (one roll per request, probabilities of one upstream sum to <= 1):
    429       a single spurious 429
    storm     the upstream answers 429 to everything for :seconds (default ${DEFAULT_STORM_SECONDS})
    500       AniList: empty body; Jikan: its 500 "Exception" JSON
    502       HTML gateway page
    504       Jikan: 504 BadResponseException JSON; AniList: HTML gateway page
    html403   Cloudflare "Just a moment..." HTML page, status 403
    hang      never answers (until the client gives up or the simulator closes)
    truncate  normal status, JSON body cut in half
  content faults (decided per entry, stable across requests):
    casing    MAL relation labels in other casings ("Side Story", "SEQUEL")  [jikan]
    label     MAL labels AniList-minded code may not know ("Full story", "Alternative setting", "Same setting")  [jikan]
    script    descriptions/synopses with <br><i> markup, a <script> and an <img onerror>  [both]
  e.g. 500=0.05,hang=0.01@jikan,storm=0.02:5,script=1`;

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

export const isRequestFault = (kind: string): kind is RequestFault => (REQUEST_FAULTS as readonly string[]).includes(kind);
export const isContentFault = (kind: string): kind is ContentFault => (CONTENT_FAULTS as readonly string[]).includes(kind);

/** Parses a fault spec such as `500=0.05,hang=0.01@jikan,storm=0.02:5`; '' means no faults. */
export function parseFaultSpec(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const raw of spec.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const match = /^([a-z0-9]+)=([^:@]+)(?::([^@]+))?(?:@([a-z]+))?$/i.exec(term);
    if (!match) throw new FaultSpecError(`fault \`${term}\`: expected kind=probability[:seconds][@anilist|@jikan]`);
    const [, kindText, probabilityText, secondsText, upstreamText] = match;
    const kind = kindText.toLowerCase();
    if (!isRequestFault(kind) && !isContentFault(kind)) {
      throw new FaultSpecError(`fault \`${term}\`: unknown kind \`${kindText}\` (known: ${[...REQUEST_FAULTS, ...CONTENT_FAULTS].join(', ')})`);
    }
    const probability = Number(probabilityText);
    if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
      throw new FaultSpecError(`fault \`${term}\`: probability must be a number from 0 to 1, got \`${probabilityText}\``);
    }
    let stormSeconds = DEFAULT_STORM_SECONDS;
    if (secondsText !== undefined) {
      if (kind !== 'storm') throw new FaultSpecError(`fault \`${term}\`: only storm takes :seconds`);
      stormSeconds = Number(secondsText);
      if (!Number.isFinite(stormSeconds) || stormSeconds <= 0 || stormSeconds > 3600) {
        throw new FaultSpecError(`fault \`${term}\`: storm seconds must be a number in (0, 3600], got \`${secondsText}\``);
      }
    }
    const allowed = isContentFault(kind) ? CONTENT_FAULT_UPSTREAMS[kind] : UPSTREAMS;
    let upstreams = [...allowed];
    if (upstreamText !== undefined) {
      const upstream = upstreamText.toLowerCase() as Upstream;
      if (!UPSTREAMS.includes(upstream)) {
        throw new FaultSpecError(`fault \`${term}\`: unknown upstream \`${upstreamText}\` (anilist or jikan)`);
      }
      if (!allowed.includes(upstream)) throw new FaultSpecError(`fault \`${term}\`: ${kind} applies to ${allowed.join(' and ')} only`);
      upstreams = [upstream];
    }
    for (const upstream of upstreams) {
      if (rules.some((r) => r.kind === kind && r.upstreams.includes(upstream))) {
        throw new FaultSpecError(`fault \`${term}\`: ${kind} is given twice for ${upstream}`);
      }
    }
    rules.push({ kind, probability, upstreams, stormSeconds });
  }
  for (const upstream of UPSTREAMS) {
    const total = rules
      .filter((r) => isRequestFault(r.kind) && r.upstreams.includes(upstream))
      .reduce((sum, r) => sum + r.probability, 0);
    if (total > 1 + 1e-9) {
      throw new FaultSpecError(`request fault probabilities for ${upstream} add up to ${+total.toFixed(6)}; they must not exceed 1`);
    }
  }
  return rules;
}
