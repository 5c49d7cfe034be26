import { describe, expect, it, vi } from 'vitest';
import { costOf, DEFAULT_MAX_OUTPUT_TOKENS, maxOutputTokensOf, type PriceOverride } from './index';

// Prices from the genai-prices snapshot the package ships; if a package update changes one
// of these, check the provider's pricing page and update the expectation.
describe('costOf', () => {
  it('prices a known OpenAI model: gpt-4o at $2.50 in / $10 out per million', () => {
    expect(costOf('openai', 'gpt-4o', { inputTokens: 1000, outputTokens: 100 })).toBeCloseTo(0.0035, 10);
  });

  it('prices cached input at the cache rate (inputTokens includes it)', () => {
    // gpt-4o cache reads are $1.25/M: 500 uncached × 2.5 + 500 cached × 1.25 + 100 × 10, per million.
    expect(costOf('openai', 'gpt-4o', { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 500 })).toBeCloseTo(
      0.002875,
      10,
    );
  });

  it('prices Anthropic cache reads and writes: claude-sonnet-4 at $3 / $15, reads $0.30, writes $3.75', () => {
    const usage = { inputTokens: 14 + 2051 + 4096, outputTokens: 15, cacheReadTokens: 4096, cacheWriteTokens: 2051 };
    const expected = (14 * 3 + 4096 * 0.3 + 2051 * 3.75 + 15 * 15) / 1e6;
    expect(costOf('anthropic', 'claude-sonnet-4-20250514', usage)).toBeCloseTo(expected, 10);
  });

  it('prices Gemini with thoughts as output: gemini-2.5-flash at $0.30 / $2.50', () => {
    expect(costOf('google', 'gemini-2.5-flash', { inputTokens: 1000, outputTokens: 222, reasoningTokens: 208 })).toBeCloseTo(
      (1000 * 0.3 + 222 * 2.5) / 1e6,
      10,
    );
  });

  it('prices embeddings (no output)', () => {
    expect(costOf('openai', 'text-embedding-3-small', { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(0.02, 10);
  });

  it('never touches the network (the bundled snapshot is the only source)', () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('offline')));
    vi.stubGlobal('fetch', fetchSpy);
    try {
      expect(costOf('anthropic', 'claude-3-5-haiku-20241022', { inputTokens: 100, outputTokens: 10 })).toBeGreaterThan(0);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('gives undefined for an unknown model or provider', () => {
    expect(costOf('openai', 'gpt-does-not-exist', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(costOf('no-such-provider', 'gpt-4o', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
  });

  it('gives undefined for OpenAI-compatible keys unless the host is recognised', () => {
    const usage = { inputTokens: 1000, outputTokens: 100 };
    expect(costOf('openai-compatible', 'gpt-4o', usage)).toBeUndefined();
    expect(costOf('openai-compatible', 'llama3.2', usage, [], { baseUrl: 'http://127.0.0.1:11434/v1' })).toBeUndefined();
    expect(costOf('openai-compatible', 'gpt-4o', usage, [], { baseUrl: 'https://api.openai.com/v1' })).toBeCloseTo(0.0035, 10);
    expect(costOf('openai-compatible', 'llama-3.3-70b-versatile', usage, [], { baseUrl: 'https://api.groq.com/openai/v1' })).toBeGreaterThan(0);
  });

  describe('overrides', () => {
    const overrides: PriceOverride[] = [
      { provider: 'openai', model: 'gpt-4o', inputPerMTok: 1, outputPerMTok: 2 },
      { provider: 'openai', model: 'gpt-4o*', inputPerMTok: 5, outputPerMTok: 5 },
      { provider: 'openai', model: 'gpt-4o-mini*', inputPerMTok: 7, outputPerMTok: 7 },
      { provider: 'openai-compatible', model: 'llama3.2', inputPerMTok: 0, outputPerMTok: 0 },
      { provider: 'anthropic', model: 'my-claude', inputPerMTok: 10, outputPerMTok: 20, cacheReadPerMTok: 1 },
    ];

    it('win over the bundled price, exact before the longest prefix', () => {
      const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
      expect(costOf('openai', 'gpt-4o', usage, overrides)).toBeCloseTo(3, 10);
      expect(costOf('openai', 'GPT-4o-2024-11-20', usage, overrides)).toBeCloseTo(10, 10);
      expect(costOf('openai', 'gpt-4o-mini-2024-07-18', usage, overrides)).toBeCloseTo(14, 10);
      expect(costOf('anthropic', 'gpt-4o', usage, overrides)).toBeUndefined();
    });

    it('price models nothing else knows, including free local ones', () => {
      expect(costOf('openai-compatible', 'llama3.2', { inputTokens: 5000, outputTokens: 500 }, overrides)).toBe(0);
      expect(
        costOf('anthropic', 'my-claude', { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 500_000, cacheWriteTokens: 100_000 }, overrides),
      ).toBeCloseTo(0.4 * 10 + 0.5 * 1 + 0.1 * 10, 10);
    });

    it('ignore a broken override rate', () => {
      expect(
        costOf('openai', 'x', { inputTokens: 1, outputTokens: 1 }, [{ provider: 'openai', model: 'x', inputPerMTok: Number.NaN, outputPerMTok: 1 }]),
      ).toBeUndefined();
    });
  });

  it('refuses malformed usage rather than pricing it as free, and tolerates cache > input', () => {
    expect(costOf('openai', 'gpt-4o', { inputTokens: -1, outputTokens: 0 })).toBeUndefined();
    expect(costOf('openai', 'gpt-4o', { inputTokens: Number.NaN, outputTokens: 0 })).toBeUndefined();
    expect(costOf('openai', 'gpt-4o', { inputTokens: 10, outputTokens: 0, cacheReadTokens: 1_000_000 })).toBeCloseTo(1.25, 10);
  });
});

describe('maxOutputTokensOf', () => {
  it('knows the documented limits of common models', () => {
    expect(maxOutputTokensOf('openai', 'gpt-4o-mini')).toBe(16_384);
    expect(maxOutputTokensOf('openai', 'gpt-4.1-2025-04-14')).toBe(32_768);
    expect(maxOutputTokensOf('openai', 'gpt-5-mini')).toBe(128_000);
    expect(maxOutputTokensOf('openai', 'gpt-4')).toBe(8_192);
    expect(maxOutputTokensOf('anthropic', 'claude-3-5-haiku-20241022')).toBe(8_192);
    expect(maxOutputTokensOf('anthropic', 'claude-opus-4-1-20250805')).toBe(32_000);
    expect(maxOutputTokensOf('google', 'models/gemini-2.0-flash')).toBe(8_192);
    expect(maxOutputTokensOf('openai-compatible', 'openai/gpt-4o')).toBe(16_384);
  });

  it('falls back to a high default', () => {
    expect(maxOutputTokensOf('openai-compatible', 'llama3.2')).toBe(DEFAULT_MAX_OUTPUT_TOKENS);
  });
});
