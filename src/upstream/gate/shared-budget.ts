import { GateBudget, type GateLesson } from './gate-budget.ts';
import type { PaceMemory } from './pace-memory.ts';
import type { RateGateOptions } from './rate-gate.ts';
import type { RedisBudgetRecord } from './redis-budget-record.ts';

/** A budget to grant on, and how many pending lessons it already holds. */
export interface BudgetDraft {
  budget: GateBudget;
  lessons: number;
}

/**
 * One process's side of a budget shared in Redis: the record as last read or written, plus
 * what this process's finished passes taught and it has not written yet. Every change goes
 * through a draft (the known budget with the pending lessons applied) written with the
 * record's compare-and-set; a draft that lost the race is dropped and made again.
 */
export class SharedBudget {
  /** Finished passes whose news is not in the shared budget yet, oldest first. */
  readonly #lessons: GateLesson[] = [];

  constructor(
    private readonly record: RedisBudgetRecord,
    private readonly options: RateGateOptions,
    /** The pace earlier runs learnt (for a budget Redis does not hold) and where lessons go. */
    private readonly memory: PaceMemory | undefined,
  ) {}

  get pendingLessons(): number {
    return this.#lessons.length;
  }

  /** The budget as this process sees it: the shared one last known, plus news not written yet. */
  view(now: number): GateBudget {
    const budget = new GateBudget(this.options, now, this.record.known.state, this.memory?.recalled);
    for (const lesson of this.#lessons) budget.learn(lesson);
    return budget;
  }

  draft(now: number): BudgetDraft {
    return { lessons: this.#lessons.length, budget: this.view(now) };
  }

  /** Writes the draft if nobody wrote since it was made; false when someone did (the record now holds theirs). */
  async commit({ budget, lessons }: BudgetDraft): Promise<boolean> {
    if (!(await this.record.compareAndSet(budget.state()))) return false;
    this.#lessons.splice(0, lessons);
    return true;
  }

  /** Reads the record afresh: other processes may have changed it in ways nobody announces. */
  refresh(): Promise<void> {
    return this.record.read();
  }

  /** Applies a finished pass's news to this process's view now and keeps it for the next write; returns the pause running, ms. */
  learn(lesson: GateLesson): number {
    const view = this.view(lesson.at);
    const pauseMs = view.learn(lesson);
    this.memory?.remember(view.learnedPace());
    this.#lessons.push(lesson);
    return pauseMs;
  }

  /** Keeps news for the next write without applying it now (a grant nobody took back). */
  keep(lesson: GateLesson): void {
    this.#lessons.push(lesson);
  }
}
