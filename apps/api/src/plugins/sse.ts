import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';

/**
 * The api's one way to serve server-sent events (jobs, provers, operator).
 *
 * - One Redis subscriber connection per api instance, shared by every open
 *   stream: a channel is subscribed while at least one stream listens to it.
 * - Headers first: the 200 `text/event-stream` head is written before any
 *   await, so a client never gets another content type once a stream opened
 *   (checks that may refuse — auth, 404 — run before {@link openEventStream}).
 * - Subscribe, then write `: connected` and the replay, then the live events that arrived in
 *   between (so nothing falls in the gap), then live events as they come.
 * - A `: ping` comment every `pingMs`; every subscription, timer and handle is
 *   released when the client goes, the stream ends, or the app closes.
 */

/** One SSE message: `event:` (optional) and JSON `data:`. */
export interface SseMessage {
  event?: string;
  data: unknown;
}

/** What {@link openEventStream} streams. */
export interface EventStreamOptions<T> {
  /** The Redis pub/sub channel (JSON messages). */
  channel: string;
  /** The message for one live event, or null to skip it. */
  format: (event: T) => SseMessage | null;
  /**
   * Written after subscribing and before live events: the current state, as
   * events. `isNewer` filters live events that arrived while it was read.
   */
  replay?: () => Promise<{ events: T[]; isNewer?: (event: T) => boolean }>;
  /** End the stream after writing this event (a final status). */
  endAfter?: (event: T) => boolean;
  /** `: ping` interval, ms (default 15 000). */
  pingMs?: number;
  /** `retry:` advice to EventSource clients, ms. */
  retryMs?: number;
}

type Listener = (event: unknown) => void;

/** The shared subscriber of one api instance. */
class EventHub {
  readonly #redis: Redis;
  #subscriber: Redis | undefined;
  readonly #channels = new Map<string, { listeners: Set<Listener>; ready: Promise<unknown> }>();
  readonly streams = new Set<() => void>();

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  #connection(): Redis {
    if (this.#subscriber) return this.#subscriber;
    const subscriber = this.#redis.duplicate();
    subscriber.on('error', () => {}); // ioredis reconnects and resubscribes by itself
    subscriber.on('message', (channel: string, message: string) => {
      const state = this.#channels.get(channel);
      if (!state) return;
      let event: unknown;
      try {
        event = JSON.parse(message);
      } catch {
        return; // a malformed message is dropped: Postgres remains the truth
      }
      for (const listener of [...state.listeners]) listener(event);
    });
    this.#subscriber = subscriber;
    return subscriber;
  }

  /** Adds a listener; resolves once the channel is subscribed. Returns its removal. */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let state = this.#channels.get(channel);
    if (!state) {
      state = { listeners: new Set(), ready: this.#connection().subscribe(channel) };
      this.#channels.set(channel, state);
    }
    state.listeners.add(listener);
    const current = state;
    const remove = () => {
      if (!current.listeners.delete(listener)) return;
      if (current.listeners.size === 0 && this.#channels.get(channel) === current) {
        this.#channels.delete(channel);
        void this.#subscriber?.unsubscribe(channel).catch(() => {});
      }
    };
    try {
      await current.ready;
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  listenerCount(): number {
    let n = 0;
    for (const state of this.#channels.values()) n += state.listeners.size;
    return n;
  }

  close(): void {
    for (const end of [...this.streams]) end();
    this.#channels.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
  }
}

const hubs = new WeakMap<FastifyInstance, EventHub>();

function hubOf(app: FastifyInstance, redis: Redis): EventHub {
  let hub = hubs.get(app);
  if (!hub) {
    const created = new EventHub(redis);
    hub = created;
    hubs.set(app, created);
    app.addHook('preClose', async () => {
      for (const end of [...created.streams]) end();
    });
    app.addHook('onClose', async () => created.close());
  }
  return hub;
}

/**
 * Prepares SSE on `app` (the instance the stream routes are declared on): its
 * shared subscriber over `redis`, ended streams on close. Call it once per
 * route module before declaring stream routes; calling it again is free.
 */
export function useEventStreams(app: FastifyInstance, redis: Redis): void {
  hubOf(app, redis);
}

/** Live listeners of `app`'s shared subscriber (tests, metrics). */
export function eventStreamListeners(app: FastifyInstance): number {
  return hubs.get(app)?.listenerCount() ?? 0;
}

const line = (m: SseMessage) => `${m.event ? `event: ${m.event}\n` : ''}data: ${JSON.stringify(m.data)}\n\n`;

/**
 * Turns the reply into an event stream (see the file's header). Run every check
 * that may answer an error before calling it; from here on the answer is 200.
 */
export async function openEventStream<T>(
  app: FastifyInstance,
  redis: Redis,
  request: FastifyRequest,
  reply: FastifyReply,
  options: EventStreamOptions<T>,
): Promise<void> {
  const hub = hubOf(app, redis);
  reply.hijack();
  const raw = reply.raw;
  let ended = false;
  let ping: NodeJS.Timeout | undefined;
  let unlisten: (() => void) | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(ping);
    hub.streams.delete(end);
    unlisten?.();
    if (!raw.writableEnded) raw.end();
  };
  hub.streams.add(end);
  raw.once('close', end);
  if (raw.destroyed) return end();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();

  const write = (event: T) => {
    if (ended) return;
    const message = options.format(event);
    if (message) raw.write(line(message));
    if (options.endAfter?.(event)) end();
  };
  let early: T[] | undefined = [];
  try {
    const remove = await hub.listen(options.channel, (event) =>
      early ? early.push(event as T) : write(event as T),
    );
    if (ended) return remove();
    unlisten = remove;
    // `: connected` says the subscription is live: anything published from now on arrives
    raw.write(`${options.retryMs === undefined ? '' : `retry: ${options.retryMs}\n`}: connected\n\n`);
    const replay = await options.replay?.();
    if (ended) return;
    for (const event of replay?.events ?? []) write(event);
    const waiting = early;
    early = undefined;
    for (const event of waiting) if (!replay?.isNewer || replay.isNewer(event)) write(event);
  } catch (error) {
    request.log.error({ err: error }, 'event stream failed');
    if (!ended) raw.write(line({ event: 'error', data: { code: 'TENDER_DEPENDENCY_UNAVAILABLE' } }));
    return end();
  }
  if (ended) return;
  ping = setInterval(() => {
    if (!ended) raw.write(': ping\n\n');
  }, options.pingMs ?? 15_000);
  ping.unref();
}
