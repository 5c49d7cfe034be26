import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSseDecoder, parseSse, readSse } from './sse';
import type { SseEvent } from './types';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The same text cut at the given offsets (in bytes, so UTF-8 sequences get split too). */
function chunksAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.slice(start, p));
    start = p;
  }
  out.push(bytes.slice(start));
  return out;
}

function decodeChunks(chunks: (Uint8Array | string)[]): SseEvent[] {
  const events: SseEvent[] = [];
  const decoder = createSseDecoder((e) => events.push(e));
  for (const c of chunks) decoder.push(c);
  decoder.end();
  return events;
}

const FIXTURES = [
  'openai-chat-stream.txt',
  'openai-responses-stream.txt',
  'anthropic-messages-stream.txt',
  'anthropic-messages-stream-cumulative.txt',
  'gemini-stream.txt',
];

describe('SSE decoding', () => {
  it('parses named events, unnamed events and [DONE]', () => {
    const events = parseSse(fixture('openai-chat-stream.txt'));
    expect(events).toHaveLength(7);
    expect(events[0]?.event).toBeUndefined();
    expect(events.at(-1)).toEqual({ data: '[DONE]' });

    const anthropic = parseSse(fixture('anthropic-messages-stream.txt'));
    expect(anthropic.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('handles CRLF line endings (Gemini sends them)', () => {
    const text = fixture('gemini-stream.txt');
    expect(text).toContain('\r\n\r\n');
    const events = parseSse(text);
    expect(events).toHaveLength(3);
    for (const e of events) expect(() => JSON.parse(e.data)).not.toThrow();
  });

  it('joins multi-line data and ignores comments and retry fields', () => {
    const events = parseSse(': keep-alive\n\nretry: 1000\nevent: x\ndata: a\ndata: b\n\n');
    expect(events).toEqual([{ event: 'x', data: 'a\nb' }]);
  });

  it('keeps a last event that lost its closing blank line (a cut-off stream)', () => {
    expect(parseSse('data: {"a":1}\n\ndata: {"usage":2}')).toEqual([{ data: '{"a":1}' }, { data: '{"usage":2}' }]);
  });

  it('ignores pushes after end', () => {
    const events: SseEvent[] = [];
    const decoder = createSseDecoder((e) => events.push(e));
    decoder.push('data: 1\n\n');
    decoder.end();
    decoder.push('data: 2\n\n');
    decoder.end();
    expect(events).toEqual([{ data: '1' }]);
  });

  it('drops an oversized event and keeps parsing after it', () => {
    const huge = 'x'.repeat(5000);
    const chunks = ['data: small\n\n', `data: ${huge.slice(0, 2500)}`, `${huge.slice(2500)}\n\n`, 'data: {"usage":1}\n\n'];
    expect(decodeChunks(chunks)).toHaveLength(3);
    const bounded: SseEvent[] = [];
    const decoder = createSseDecoder((e) => bounded.push(e), { maxBufferSize: 1000 });
    for (const c of chunks) decoder.push(c);
    decoder.end();
    expect(bounded).toEqual([{ data: 'small' }, { data: '{"usage":1}' }]);
  });

  it('reads a ReadableStream of bytes', async () => {
    const bytes = new TextEncoder().encode(fixture('anthropic-messages-stream.txt'));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunksAt(bytes, [1, 17, 100, 333, 334, 900])) controller.enqueue(c);
        controller.close();
      },
    });
    const events: SseEvent[] = [];
    for await (const e of readSse(stream)) events.push(e);
    expect(events).toEqual(parseSse(fixture('anthropic-messages-stream.txt')));
  });

  for (const name of FIXTURES) {
    it(`gives the same events for ${name} however the bytes are split`, () => {
      const text = fixture(name);
      const bytes = new TextEncoder().encode(text);
      const whole = parseSse(text);
      expect(whole.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (cuts) => {
          expect(decodeChunks(chunksAt(bytes, cuts))).toEqual(whole);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('gives the same events for arbitrary generated streams split anywhere, as bytes or text', () => {
    const field = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));
    const eventArb = fc.record({ event: fc.option(fc.stringMatching(/^[a-z_.]{1,12}$/), { nil: undefined }), data: field });
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.boolean(),
        (events, eol, cuts, asText) => {
          const text = events
            .map((e) => `${e.event === undefined ? '' : `event: ${e.event}${eol}`}data: ${e.data}${eol}${eol}`)
            .join('');
          const expected = events.map((e) => (e.event === undefined ? { data: e.data } : { event: e.event, data: e.data }));
          const bytes = new TextEncoder().encode(text);
          const chunks = asText
            ? chunksAt(bytes, cuts).map((c) => new TextDecoder().decode(c))
            : chunksAt(bytes, cuts);
          // Text chunks cut inside a UTF-8 sequence are not valid text; only byte chunks may split there.
          if (asText && chunks.join('') !== text) return;
          expect(decodeChunks(chunks)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
