/** One parsed SSE message, or a comment line. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/**
 * Reads an event stream from a fetch response as the raw bytes arrive, so tests check
 * what a browser would see (framing included), not what the server meant to send.
 */
export class SseReader {
  readonly messages: SseMessage[] = [];
  /** The last `retry:` the stream set, ms. */
  retry: number | undefined;
  ended = false;
  #buffer = '';
  #waiters: (() => void)[] = [];
  readonly done: Promise<void>;

  constructor(response: Response) {
    if (!response.body) throw new Error('no body');
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          this.#buffer += decoder.decode(value, { stream: true });
          this.#parse();
        }
      } catch {
        /* aborted by the test */
      } finally {
        this.ended = true;
        this.#wake();
      }
    })();
  }

  get events(): SseMessage[] {
    return this.messages.filter((m) => m.comment === undefined);
  }

  /** Resolves once `predicate` holds (checked on every arrival) or the stream ended. */
  async until(predicate: (reader: SseReader) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (this.ended) throw new Error(`stream ended first; got ${JSON.stringify(this.messages)}`);
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  #parse(): void {
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const message: SseMessage = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.messages.push({ comment: line.slice(1).trim() });
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`;
        else if (field === 'id' || field === 'event') message[field] = value;
        else if (field === 'retry') this.retry = Number(value);
      }
      if (message.data !== undefined || message.event !== undefined) this.messages.push(message);
    }
    this.#wake();
  }
}
