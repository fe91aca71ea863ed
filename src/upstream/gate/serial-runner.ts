/**
 * Runs one async step at a time. Asking while a step runs asks for exactly one more run
 * after it, however often asked; a step starts a tick after the first ask, so every ask
 * made in that tick shares it. A failed step goes to `onError`; the runner carries on.
 */
export class SerialRunner {
  #running: Promise<void> | null = null;
  /** Asked for while a step ran, and not caught up with since. */
  #again = false;
  #stopped = false;

  constructor(
    private readonly step: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = Promise.resolve()
      .then(() => this.step())
      .catch(this.onError)
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.request();
        }
      });
  }

  /** Called by a step that has just read the latest state: what was asked so far needs no extra run. */
  caughtUp(): void {
    this.#again = false;
  }

  /** No more runs start; one under way finishes. */
  stop(): void {
    this.#stopped = true;
  }

  /** Resolves once no step runs; true when it had to wait. */
  async whenIdle(): Promise<boolean> {
    let waited = false;
    while (this.#running) {
      waited = true;
      await this.#running;
    }
    return waited;
  }
}
