import type { Logger } from '../../log.ts';
import type { LearnedPace } from './adaptive-rate.ts';

/**
 * Port: where gates keep what they learnt between runs, per upstream: the store's
 * `gate_pace` table, or Redis when configured (shared like the budgets there).
 */
export interface PaceStore {
  /** The pace kept for `upstream`, or null when none is. */
  load(upstream: string): Promise<LearnedPace | null>;
  save(upstream: string, pace: LearnedPace): Promise<void>;
}

/** A gate's link to earlier runs: the pace it starts from, and where it reports what it learns. */
export interface PaceMemory {
  readonly recalled: LearnedPace | null;
  /** Called after every response; cheap when nothing changed. */
  remember(pace: LearnedPace): void;
}

/**
 * One upstream's PaceMemory over a PaceStore. Changes are written behind the gate (a
 * finish must answer at once), one write at a time with the latest change winning, and a
 * store that fails costs a warning, never a request: the pace is advice, not data.
 */
export class PaceKeeper implements PaceMemory {
  /** The pace and learned limit last written or read, so that unchanged paces are not written. */
  private last: string;
  private pending: LearnedPace | null = null;
  private writing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly store: PaceStore,
    private readonly upstream: string,
    readonly recalled: LearnedPace | null,
    private readonly logger: Logger,
  ) {
    // A gate that recalls nothing starts knowing nothing: full pace, no limit learnt.
    this.last = changeKey(recalled ?? { pace: 1, learned: 1 });
  }

  /** Reads what earlier runs kept for `upstream`; an unreadable store starts the gate afresh. */
  static async open(store: PaceStore, upstream: string, logger: Logger): Promise<PaceKeeper> {
    const recalled = await store.load(upstream).catch((error: unknown) => {
      logger.warn({ err: error, upstream }, 'rate gate: could not read the pace earlier runs learnt; starting afresh');
      return null;
    });
    if (recalled && recalled.pace < 1) logger.info({ upstream, pace: recalled.pace }, 'rate gate: starting at the pace earlier runs learnt');
    return new PaceKeeper(store, upstream, recalled, logger);
  }

  remember(pace: LearnedPace): void {
    const key = changeKey(pace);
    if (this.closed || key === this.last) return;
    this.last = key;
    this.pending = pace;
    this.writing ??= this.drain();
  }

  /** Writes what is pending, then ignores later changes (the store is about to close). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    for (let pace = this.pending; pace; pace = this.pending) {
      this.pending = null;
      try {
        await this.store.save(this.upstream, pace);
      } catch (error) {
        this.logger.warn({ err: error, upstream: this.upstream }, 'rate gate: could not keep the learnt pace for later runs');
      }
    }
    this.writing = null;
  }
}

/** Only the pace and the learned limit decide whether a change is worth a write. */
function changeKey(pace: Pick<LearnedPace, 'pace' | 'learned'>): string {
  return `${pace.pace}/${pace.learned}`;
}
