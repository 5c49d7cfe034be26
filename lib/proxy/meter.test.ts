import { describe, expect, it } from 'vitest';
import { openai } from '../providers/openai';
import { meterBody, type Observation } from './meter';

function upstreamOf(chunks: string[], contentType: string): { response: Response; pulls: () => number } {
  let pulled = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        const next = chunks[pulled++];
        if (next === undefined) c.close();
        else c.enqueue(encoder.encode(next));
      },
    },
    { highWaterMark: 0 },
  );
  return { response: new Response(body, { headers: { 'content-type': contentType } }), pulls: () => pulled };
}

const options = () => {
  const controller = new AbortController();
  return { adapter: openai, now: () => 1234, signal: controller.signal, clientSignal: controller.signal, onError: () => undefined, controller };
};

describe('meterBody', () => {
  it('passes SSE chunks through unchanged, reading only when asked, and reads usage on the side', async () => {
    const chunks = [
      'data: {"choices":[{"delta":{"content":"Hi"}}],"usage":null}\n\n',
      'data: {"choices":[],"usage":{"prompt_tokens":3,"comp',
      'letion_tokens":4}}\n\ndata: [DONE]\n\n',
    ];
    const { response, pulls } = upstreamOf(chunks, 'text/event-stream');
    const seen: Observation[] = [];
    const body = meterBody(response, options(), (o) => seen.push(o));
    const reader = body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(chunks[0]);
    // Nothing was read ahead of the app.
    expect(pulls()).toBe(1);
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toBe(chunks[1]! + chunks[2]!);
    expect(seen).toEqual([{ end: 'complete', usage: { inputTokens: 3, outputTokens: 4 }, final: true, firstByteAt: 1234 }]);
  });

  it('reads usage from a JSON body', async () => {
    const { response } = upstreamOf(['{"usage":{"prompt_tokens":5,', '"completion_tokens":6}}'], 'application/json');
    const seen: Observation[] = [];
    await new Response(meterBody(response, options(), (o) => seen.push(o))).text();
    expect(seen[0]?.usage).toEqual({ inputTokens: 5, outputTokens: 6 });
  });

  it('ends once, as aborted, when the app stops', async () => {
    const { response } = upstreamOf(['data: {}\n\n', 'data: {}\n\n'], 'text/event-stream');
    const o = options();
    const seen: Observation[] = [];
    const reader = meterBody(response, o, (x) => seen.push(x))!.getReader();
    await reader.read();
    o.controller.abort();
    await expect(reader.read()).rejects.toBeDefined();
    await reader.cancel().catch(() => undefined);
    expect(seen).toEqual([{ end: 'aborted', usage: undefined, final: false, firstByteAt: 1234 }]);
  });
});
