import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock.ts';
import {
  FINAL_STATUSES,
  type DistributiveOmit,
  type ProgressBus,
  type ProgressEvent,
} from '../ingest/progress-event.ts';
import { silentLogger, type Logger } from '../log.ts';
import { redisKey } from '../redis/redis-connection.ts';
import { checkRange } from '../check-range.ts';

export interface RedisProgressBusOptions {
  /** Commands (publish, replay). The bus does not close it. */
  redis: Redis;
  /** Every key and channel starts with `<prefix>:progress:`. */
  prefix: string;
  /**
   * Events kept per job for replay (the oldest go first). A reader further behind than this
   * misses the dropped events but still gets the final state. Default 1000, range 1-1,000,000.
   */
  capacity?: number;
  /**
   * How long a job's history stays after its final `state` event, ms, so a page that
   * reconnects just after the end still sees it. Default 600,000 (10 min), range 1-86,400,000.
   */
  retainMs?: number;
  /**
   * How long the history of a job that never ends stays (its worker died for good), ms;
   * every event starts it again. Default 86,400,000 (a day), range 60,000-2,592,000,000.
   */
  abandonedMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Numbers the event, appends it to the job's capped history and publishes it, in one step,
 * so history order, seq order and delivery order are the same for every reader.
 * ARGV[1] is the event's JSON without seq; seq goes in front.
 */
const PUBLISH = `
local seq = redis.call('INCR', KEYS[1])
local event = '{"seq":' .. seq .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[2], event)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', KEYS[3], event)
return event
`;

interface Subscription {
  listener: (event: ProgressEvent) => void;
  /** Highest seq delivered; later copies of it or anything older are dropped. */
  last: number;
  /** Live events that arrived while the history was being read; null once live. */
  held: ProgressEvent[] | null;
}

interface Channel {
  subscriptions: Set<Subscription>;
  /** Resolves once Redis confirmed the subscription: from then on no event is missed. */
  ready: Promise<unknown>;
}

/**
 * The ProgressBus across processes: a worker publishes, an API replica's SSE reader
 * subscribes. Each job has a counter, a capped list (the history a reconnecting reader
 * replays from Last-Event-ID) and a pub/sub channel. A subscriber listens first, then reads
 * the history, then delivers what arrived meanwhile, dropping what it already delivered by
 * seq: nothing is lost or repeated between replay and live.
 */
export class RedisProgressBus implements ProgressBus {
  readonly #redis: Redis;
  /** Pub/sub needs a connection of its own. */
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #capacity: number;
  readonly #retainMs: number;
  readonly #abandonedMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** By Redis channel name. */
  readonly #channels = new Map<string, Channel>();
  #closed = false;

  constructor(options: RedisProgressBusOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
    this.#capacity = Math.floor(checkRange('capacity', options.capacity ?? 1000, 1, 1_000_000));
    this.#retainMs = Math.ceil(checkRange('retainMs', options.retainMs ?? 600_000, 1, 86_400_000));
    this.#abandonedMs = Math.ceil(checkRange('abandonedMs', options.abandonedMs ?? 86_400_000, 60_000, 2_592_000_000));
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#subscriber = this.#redis.duplicate();
    // ioredis reconnects by itself; one line per outage says why live events paused.
    let reported = false;
    this.#subscriber.on('error', (error: Error) => {
      if (!reported) this.#logger.warn({ err: error }, 'progress bus: Redis subscriber connection failed; reconnecting (live events wait)');
      reported = true;
    });
    this.#subscriber.on('ready', () => {
      if (reported) this.#logger.info('progress bus: Redis subscriber connection back');
      reported = false;
    });
    this.#subscriber.on('message', (channel: string, message: string) => this.#onMessage(channel, message));
  }

  async publish(draft: DistributiveOmit<ProgressEvent, 'seq' | 'at'>): Promise<ProgressEvent> {
    if (this.#closed) throw new Error('progress bus is closed');
    const body = JSON.stringify({ ...draft, at: new Date(this.#clock.now()).toISOString() });
    const final = draft.type === 'state' && FINAL_STATUSES.has(draft.status);
    const keys = this.#keys(draft.jobId);
    const event = (await this.#redis.eval(
      PUBLISH,
      3,
      keys.seq,
      keys.history,
      keys.channel,
      body,
      this.#capacity,
      final ? this.#retainMs : this.#abandonedMs,
    )) as string;
    return JSON.parse(event) as ProgressEvent;
  }

  async subscribe(jobId: string, afterSeq: number, listener: (event: ProgressEvent) => void): Promise<() => void> {
    if (this.#closed) throw new Error('progress bus is closed');
    const keys = this.#keys(jobId);
    const subscription: Subscription = { listener, last: afterSeq, held: [] };
    const channel = this.#join(keys.channel, subscription);
    const stop = () => this.#leave(keys.channel, subscription);
    try {
      await channel.ready;
      const history = await this.#redis.lrange(keys.history, 0, -1);
      for (const text of history) this.#deliver(subscription, JSON.parse(text) as ProgressEvent);
    } catch (error) {
      stop();
      throw error;
    }
    const held = subscription.held ?? [];
    subscription.held = null;
    for (const event of held) this.#deliver(subscription, event);
    return stop;
  }

  async lastSeq(jobId: string): Promise<number> {
    const keys = this.#keys(jobId);
    // The counter and the list expire together; an empty list means the history is gone.
    const [held, seq] = await Promise.all([this.#redis.llen(keys.history), this.#redis.get(keys.seq)]);
    return held > 0 ? Number(seq ?? 0) : 0;
  }

  async forget(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.#redis.del(...jobIds.flatMap((jobId) => [this.#keys(jobId).seq, this.#keys(jobId).history]));
  }

  /** Live subscriptions across jobs; lets tests prove that readers let go. */
  get subscriptionCount(): number {
    let n = 0;
    for (const channel of this.#channels.values()) n += channel.subscriptions.size;
    return n;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    this.#subscriber.disconnect();
  }

  #keys(jobId: string) {
    return {
      seq: redisKey(this.#prefix, 'progress', jobId, 'seq'),
      history: redisKey(this.#prefix, 'progress', jobId, 'events'),
      channel: redisKey(this.#prefix, 'progress', jobId),
    };
  }

  #join(name: string, subscription: Subscription): Channel {
    let channel = this.#channels.get(name);
    if (!channel) {
      channel = { subscriptions: new Set(), ready: this.#subscriber.subscribe(name) };
      // A failed subscribe is reported to the subscriber that waits on it, not as unhandled.
      channel.ready.catch(() => undefined);
      this.#channels.set(name, channel);
    }
    channel.subscriptions.add(subscription);
    return channel;
  }

  #leave(name: string, subscription: Subscription): void {
    const channel = this.#channels.get(name);
    if (!channel?.subscriptions.delete(subscription) || channel.subscriptions.size > 0) return;
    this.#channels.delete(name);
    // Commands on one connection run in order, so a later subscribe to the same channel still holds.
    this.#subscriber.unsubscribe(name).catch((error: unknown) => this.#logger.warn({ err: error, channel: name }, 'progress bus: unsubscribe failed'));
  }

  #onMessage(name: string, message: string): void {
    const channel = this.#channels.get(name);
    if (!channel) return;
    let event: ProgressEvent;
    try {
      event = JSON.parse(message) as ProgressEvent;
    } catch (error) {
      this.#logger.warn({ err: error, channel: name, excerpt: message.slice(0, 200) }, 'progress bus: unreadable event on the channel; skipped');
      return;
    }
    for (const subscription of [...channel.subscriptions]) {
      if (subscription.held) subscription.held.push(event);
      else this.#deliver(subscription, event);
    }
  }

  #deliver(subscription: Subscription, event: ProgressEvent): void {
    if (event.seq <= subscription.last) return;
    subscription.last = event.seq;
    // One broken reader must not stop the others or the publishing job.
    try {
      subscription.listener(event);
    } catch {
      /* the reader's own problem */
    }
  }
}
