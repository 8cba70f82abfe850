/** One server-sent event. */
export interface SseMessage {
  /** `event:` field; `message` when absent. */
  event: string;
  /** `data:` lines joined with `\n`. */
  data: string;
  /** `id:` field, when sent. */
  id?: string;
}

/**
 * Parses a `text/event-stream` body into events (WHATWG rules: `\n`, `\r\n`
 * or `\r` line ends, `:` comments ignored, multi-line `data`, an event is
 * dispatched at a blank line; a trailing event without its blank line is dropped).
 *
 * @example
 * for await (const m of parseSse(res.body!)) console.log(m.event, JSON.parse(m.data));
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (!match) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === buffer.length - 1) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (data.length > 0) {
          const message: SseMessage = { event: event || 'message', data: data.join('\n') };
          if (id !== undefined) message.id = id;
          yield message;
        }
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
  }
}

/** Reconnection delays of an event stream. */
export interface BackoffOptions {
  /** First delay after a failure, ms (default 250). */
  minBackoffMs?: number;
  /** Largest delay, ms (default 10 000). */
  maxBackoffMs?: number;
}

/**
 * The delay before reconnection attempt `attempt` (0-based): exponential from
 * `minBackoffMs`, capped at `maxBackoffMs`, with up to 20 % random jitter.
 */
export function proverBackoffMs(attempt: number, opts: BackoffOptions = {}): number {
  const min = opts.minBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 10_000;
  const base = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 + Math.random() * 0.2));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
