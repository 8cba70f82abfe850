import { describe, expect, it } from 'vitest';
import { parseSse, proverBackoffMs, type SseMessage } from './proverSse.ts';

async function collect(chunks: string[]): Promise<SseMessage[]> {
  const encoder = new TextEncoder();
  async function* body() {
    for (const chunk of chunks) yield encoder.encode(chunk);
  }
  const out: SseMessage[] = [];
  for await (const message of parseSse(body())) out.push(message);
  return out;
}

describe('parseSse', () => {
  it('splits events at blank lines, skips comments and joins multi-line data', async () => {
    const messages = await collect([
      ': ping\n\n',
      'event: invitation\nid: 7\ndata: {"a":\ndata: 1}\n\n',
      'data: plain\n\n',
    ]);
    expect(messages).toEqual([
      { event: 'invitation', data: '{"a":\n1}', id: '7' },
      { event: 'message', data: 'plain', id: '7' },
    ]);
  });

  it('reassembles events split across chunks, including a CRLF split in half', async () => {
    const messages = await collect(['event: aw', 'ard\r', '\ndata: {"x":1}\r\n', '\r\n']);
    expect(messages).toEqual([{ event: 'award', data: '{"x":1}' }]);
  });

  it('drops a trailing event that never got its blank line', async () => {
    expect(await collect(['event: award\ndata: 1\n'])).toEqual([]);
  });
});

describe('proverBackoffMs', () => {
  it('grows exponentially from the minimum and stays under the cap (plus jitter)', () => {
    expect(proverBackoffMs(0, { minBackoffMs: 100 })).toBeGreaterThanOrEqual(100);
    expect(proverBackoffMs(0, { minBackoffMs: 100 })).toBeLessThanOrEqual(120);
    expect(proverBackoffMs(3, { minBackoffMs: 100 })).toBeGreaterThanOrEqual(800);
    expect(proverBackoffMs(50, { minBackoffMs: 100, maxBackoffMs: 1_000 })).toBeLessThanOrEqual(1_200);
  });
});
