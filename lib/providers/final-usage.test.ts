import { describe, expect, it } from 'vitest';
import { anthropic } from './anthropic';
import { fixtureText } from './fixtures';
import { google } from './google';
import { openai } from './openai';
import { parseSse } from './sse';
import type { ProviderAdapter } from './types';

/** The reader's verdict after the first `events` events of a recorded stream (all when undefined). */
function readerAfter(adapter: ProviderAdapter, fixture: string, events?: number) {
  const reader = adapter.streamUsage();
  const all = parseSse(fixtureText(fixture));
  for (const event of all.slice(0, events ?? all.length)) reader.push(event);
  return { usage: reader.usage(), final: reader.final(), count: all.length };
}

describe('usage is final only from the provider’s terminal event (recorded streams)', () => {
  it('Anthropic: message_start’s early count is not final; the last message_delta with message_stop is', () => {
    const { count } = readerAfter(anthropic, 'anthropic-messages-stream.txt');
    const early = readerAfter(anthropic, 'anthropic-messages-stream.txt', 1);
    expect(early.usage?.outputTokens).toBeLessThanOrEqual(1);
    expect(early.final).toBe(false);
    // message_delta came, message_stop did not.
    expect(readerAfter(anthropic, 'anthropic-messages-stream.txt', count - 1).final).toBe(false);
    expect(readerAfter(anthropic, 'anthropic-messages-stream.txt')).toMatchObject({ final: true, usage: { outputTokens: 15 } });
    expect(readerAfter(anthropic, 'anthropic-messages-stream-cumulative.txt').final).toBe(true);
  });

  it('Gemini: running chunks are not final; the chunk with finishReason and usageMetadata is', () => {
    const partial = readerAfter(google, 'gemini-stream.txt', 2);
    expect(partial.usage).toBeDefined();
    expect(partial.final).toBe(false);
    expect(readerAfter(google, 'gemini-stream.txt').final).toBe(true);
  });

  it('OpenAI chat: only the usage chunk is final', () => {
    const { count } = readerAfter(openai, 'openai-chat-stream.txt');
    expect(readerAfter(openai, 'openai-chat-stream.txt', count - 2).final).toBe(false);
    expect(readerAfter(openai, 'openai-chat-stream.txt').final).toBe(true);
  });

  it('OpenAI-compatible running usage on chunks that still carry choices is not final', () => {
    const reader = openai.streamUsage();
    const chunk = (choices: unknown[], completion: number) =>
      ({ data: JSON.stringify({ object: 'chat.completion.chunk', choices, usage: { prompt_tokens: 10, completion_tokens: completion } }) });
    reader.push(chunk([{ index: 0, delta: { content: 'a' } }], 1));
    expect(reader.final()).toBe(false);
    reader.push(chunk([], 40));
    expect(reader.final()).toBe(true);
    expect(reader.usage()?.outputTokens).toBe(40);
  });

  it('OpenAI responses: only response.completed (or incomplete / failed) is final', () => {
    const { count } = readerAfter(openai, 'openai-responses-stream.txt');
    expect(readerAfter(openai, 'openai-responses-stream.txt', count - 1).final).toBe(false);
    expect(readerAfter(openai, 'openai-responses-stream.txt').final).toBe(true);
    const reader = openai.streamUsage();
    reader.push({ event: 'response.in_progress', data: JSON.stringify({ type: 'response.in_progress', response: { usage: { input_tokens: 5, output_tokens: 1 } } }) });
    expect(reader.final()).toBe(false);
    reader.push({ event: 'response.incomplete', data: JSON.stringify({ type: 'response.incomplete', response: { usage: { input_tokens: 5, output_tokens: 90 } } }) });
    expect(reader.final()).toBe(true);
    expect(reader.usage()?.outputTokens).toBe(90);
  });
});
