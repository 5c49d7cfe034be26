import { describe, expect, it } from 'vitest';
import { likelyAdapter, parseTarget } from './target';

describe('parseTarget', () => {
  it.each([
    ['https://okap.invalid/v1/openai/chat/completions', 'openai', '/chat/completions'],
    ['https://okap.invalid/v1/anthropic/v1/messages', 'anthropic', '/v1/messages'],
    ['https://vault.example.com/v1/google/v1beta/models/gemini-2.5-flash:generateContent?alt=sse', 'google', '/v1beta/models/gemini-2.5-flash:generateContent'],
    ['https://vault.example.com/okap/v1/groq/models', 'groq', '/models'],
    ['https://okap.invalid/v1/openai', 'openai', ''],
    // Dot segments are resolved by the URL parser before anything else looks at the path.
    ['https://okap.invalid/v1/openai/../anthropic/v1/messages', 'anthropic', '/v1/messages'],
  ])('%s → %s %s', (url, providerId, path) => {
    expect(parseTarget(url)).toMatchObject({ providerId, path });
  });

  it.each(['https://okap.invalid/chat/completions', 'https://okap.invalid/v1/OpenAI/models', 'not a url', 'https://okap.invalid/v1/'])(
    'refuses %s as not covered',
    (url) => {
      expect(() => parseTarget(url)).toThrow(expect.objectContaining({ type: 'endpoint_not_covered', status: 403 }));
    },
  );

  it('guesses the adapter for errors from the provider id', () => {
    expect(likelyAdapter('anthropic').id).toBe('anthropic');
    expect(likelyAdapter('google').id).toBe('google');
    expect(likelyAdapter('mistral').id).toBe('openai-compatible');
  });
});
