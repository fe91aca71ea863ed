import cliProgress from 'cli-progress';
import type { FranchiseView } from '../../ingest/franchise-view.ts';
import type { JobView, ResolutionPick } from '../../ingest/ingest-service.ts';
import type { IngestPhase, ProgressEvent } from '../../ingest/progress-event.ts';

/** Shows a job's progress on stderr: bars on a terminal, plain lines otherwise. */
export interface ProgressView {
  event(event: ProgressEvent): void;
  stop(): void;
}

const PHASES_SHOWN: ReadonlySet<IngestPhase> = new Set(['discovery', 'enrichment']);

function etaText(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1_000 ? `eta ${ms} ms` : `eta ${(ms / 1_000).toFixed(1)} s`;
}

/** One bar per phase, created when the phase first reports (enrichment only when it runs). */
export function barsView(stream: NodeJS.WriteStream): ProgressView {
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: '{phase} [{bar}] {value}/{total} {failedText} {etaText}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<IngestPhase, cliProgress.SingleBar>();
  return {
    event(event) {
      if (event.type !== 'progress' || !PHASES_SHOWN.has(event.progress.phase)) return;
      const { phase, done, total, failed, etaMs } = event.progress;
      const payload = { phase: phase.padEnd(10), failedText: failed > 0 ? `(${failed} failed)` : '', etaText: etaText(etaMs) };
      let bar = bars.get(phase);
      if (!bar) {
        bar = multi.create(Math.max(total, 1), done, payload);
        bars.set(phase, bar);
      }
      bar.setTotal(Math.max(total, done, 1));
      bar.update(done, payload);
    },
    stop: () => multi.stop(),
  };
}

/** Plain lines for logs and pipes: a phase's line at most every `everyMs`, and its last one. */
export function linesView(write: (line: string) => void, now: () => number = Date.now, everyMs = 1_000): ProgressView {
  const last = new Map<IngestPhase, { at: number; line: string; printed: boolean }>();
  const printedLine = new Map<IngestPhase, string>();
  const print = (phase: IngestPhase) => {
    const entry = last.get(phase);
    if (entry && !entry.printed) {
      entry.printed = true;
      // A phase re-announces its counts when it becomes the main one: no need to say it twice.
      if (printedLine.get(phase) === entry.line) return;
      printedLine.set(phase, entry.line);
      write(entry.line);
    }
  };
  return {
    event(event) {
      if (event.type === 'failure') {
        const f = event.failure;
        write(`failed: ${f.upstream} ${f.upstream === 'jikan' && f.idMal ? `mal:${f.idMal}` : f.id}${f.status ? ` (HTTP ${f.status})` : ''}: ${f.message}`);
        return;
      }
      if (event.type !== 'progress' || !PHASES_SHOWN.has(event.progress.phase) || event.progress.total === 0) return;
      const { phase, done, total, failed, etaMs } = event.progress;
      const line = `${phase} ${done}/${total}${failed > 0 ? ` (${failed} failed)` : ''}${etaMs !== null && done < total ? ` ${etaText(etaMs)}` : ''}`;
      const previous = last.get(phase);
      const entry = { at: previous?.at ?? 0, line, printed: false };
      last.set(phase, entry);
      if (now() - entry.at >= everyMs || (total > 0 && done >= total)) {
        entry.at = now();
        print(phase);
      }
    },
    stop() {
      for (const phase of last.keys()) print(phase);
    },
  };
}

function year(view: FranchiseView['members'][number]): string {
  return view.startDate.year === null ? '?' : String(view.startDate.year);
}

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/**
 * The summary table in the recommended watch order (each entry's role, and why it stands
 * there), then the release and the chronological (story) orders: what `discover` prints
 * on stdout without --json.
 */
export function franchiseText(view: FranchiseView): string {
  const out: string[] = [];
  const { franchise, stats } = view;
  out.push(`${franchise.title}: ${franchise.size} entries (AniList ${franchise.id})${franchise.truncated ? ', TRUNCATED by the policy caps' : ''}`);
  out.push('', 'Recommended watch order:');
  const roleWidth = Math.max(4, ...view.watchOrder.recommended.map((r) => r.role.length));
  out.push(`${'#'.padStart(4)} ${'id'.padStart(7)}  ${cell('role', roleWidth)} ${cell('format', 8)} ${'year'.padStart(4)} ${'eps'.padStart(4)} ${'score'.padStart(5)} ${'MAL'.padStart(5)} depth  title: why here`);
  const byId = new Map(view.members.map((m) => [m.id, m]));
  view.watchOrder.recommended.forEach(({ id, role, reason }, i) => {
    const m = byId.get(id)!;
    const mal = m.malScore !== null ? m.malScore.toFixed(2) : m.malStatus === 'missing' ? 'none' : '-';
    out.push(
      `${String(i + 1).padStart(4)} ${String(m.id).padStart(7)}  ${cell(role, roleWidth)} ${cell(m.format ?? '?', 8)} ${year(m).padStart(4)} ${String(m.episodes ?? '?').padStart(4)} ${String(m.averageScore ?? '-').padStart(5)} ${mal.padStart(5)} ${String(m.depth).padStart(5)}  ${m.title}: ${reason}`,
    );
  });
  const order = (ids: number[]) => ids.map((id, i) => `${String(i + 1).padStart(4)}. ${byId.get(id)!.title} (${byId.get(id)!.format ?? '?'}, ${year(byId.get(id)!)})`);
  out.push('', 'Release order:', ...order(view.watchOrder.release));
  out.push('', 'Story order (chronological, from the relations):', ...order(view.watchOrder.story));
  const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
  out.push(
    '',
    `Done in ${seconds(stats.durationMs)} (discovery ${seconds(stats.discoveryMs)}, enrichment ${seconds(stats.enrichmentMs)}); ` +
      `requests: AniList ${stats.upstreamRequests.anilist}, Jikan ${stats.upstreamRequests.jikan}; failures: ${stats.failures.length}`,
  );
  const disagreements = stats.disagreements ?? [];
  if (disagreements.length > 0) {
    out.push(`MAL disagrees with AniList on ${disagreements.length} edge(s):`);
    for (const d of disagreements) out.push(`  ${d.from} -> ${d.to}: AniList ${d.anilist ?? 'none'}, MAL ${d.mal ?? 'none'}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Which entry a title was taken as, and the next candidates as "Did you mean" with their
 * ids, so picking another is one `tsunagu discover <id>` away.
 */
export function resolutionText(query: string, resolution: NonNullable<JobView['resolution']>): string {
  const named = (pick: ResolutionPick) => {
    const facts = [pick.format, pick.year].filter((fact) => fact != null).join(', ');
    return `${pick.title} (${facts ? `${facts}; ` : ''}AniList ${pick.id})`;
  };
  const lines = [`"${query}" is ${named(resolution.chosen)}`];
  if (resolution.alternatives.length > 0) {
    lines.push(`Did you mean: ${resolution.alternatives.map(named).join('; ')}? Ask by id: tsunagu discover <AniList id>`);
  }
  return lines.map((line) => `${line}\n`).join('');
}
