import { describe, expect, it } from 'vitest';
import { readSse, type SseMessage } from './requesterSse.ts';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function all(chunks: string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(streamOf(chunks))) out.push(m);
  return out;
}

describe('readSse', () => {
  it('yields events split anywhere across chunks, skipping comments and keep-alives', async () => {
    const messages = await all([
      ': ping\n\nevent: sta',
      'tus\ndata: {"a":1}\r',
      '\n\r\ndata: line one\ndata: line two\nid: 7\n\n',
      'data: no blank line at the end',
    ]);
    expect(messages).toEqual([
      { event: 'status', data: '{"a":1}' },
      { event: 'message', data: 'line one\nline two', id: '7' },
    ]);
  });
});
