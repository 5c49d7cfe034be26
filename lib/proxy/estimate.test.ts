import { describe, expect, it } from 'vitest';
import { costOf } from '../pricing';
import { anthropic } from '../providers/anthropic';
import { google } from '../providers/google';
import { openai } from '../providers/openai';
import type { ProviderAdapter, Route } from '../providers/types';
import type { CallBody } from './body';
import type { ProviderKey } from './deps';
import { CALL_OVERHEAD_TOKENS, IMAGE_TOKEN_BOUND, estimateCost } from './estimate';

const key: ProviderKey = { kind: 'openai', baseUrl: '', secret: 'sk' };
const route = (over: Partial<Route> = {}): Route => ({ upstreamPath: '/chat/completions', capability: 'chat', model: 'gpt-4o', stream: false, kind: 'call', ...over });
const bodyOf = (json: unknown): CallBody => {
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  return { bytes, json, view: json };
};
const at = Date.parse('2026-03-10T12:00:00Z');
const estimate = (body: CallBody, r: Route = route(), adapter: ProviderAdapter = openai, k: ProviderKey = key, overrides = []) =>
  estimateCost({ adapter, key: k, route: r, body, facts: adapter.inspect(r, body.json), overrides, now: at });

describe('estimateCost', () => {
  it('bounds input at one token per byte plus the call overhead, and output by the request’s limit times n', () => {
    const body = bodyOf({ model: 'gpt-4o', max_tokens: 200, n: 2, messages: [{ role: 'user', content: 'x'.repeat(300) }] });
    const input = (body.bytes?.byteLength ?? 0) + CALL_OVERHEAD_TOKENS;
    expect(estimate(body).usd).toBeCloseTo(costOf('openai', 'gpt-4o', { inputTokens: input, outputTokens: 400 }) ?? -1, 12);
  });

  it('counts n against the model’s maximum output when the request names no limit (old code ignored n)', () => {
    const one = estimate(bodyOf({ model: 'gpt-4o', messages: [] })).usd ?? 0;
    const four = estimate(bodyOf({ model: 'gpt-4o', messages: [], n: 4 })).usd ?? 0;
    // gpt-4o: 16,384 output tokens at $10 / MTok per answer.
    expect(four - one).toBeCloseTo(3 * 16_384 * 10e-6, 3);
  });

  it('counts a predicted output, whose rejected tokens bill as output beyond max_tokens', () => {
    const base = { model: 'gpt-4o', max_tokens: 10, messages: [] };
    const prediction = { type: 'content', content: 'p'.repeat(5000) };
    const diff = (estimate(bodyOf({ ...base, prediction })).usd ?? 0) - (estimate(bodyOf(base)).usd ?? 0);
    // At least 5,000 more output tokens at $10 / MTok (and their bytes as input).
    expect(diff).toBeGreaterThan(5000 * 10e-6);
  });

  it('counts Gemini’s candidateCount', () => {
    const gKey: ProviderKey = { kind: 'google', baseUrl: '', secret: 'k' };
    const r = route({ upstreamPath: '/v1beta/models/gemini-2.5-flash:generateContent', model: 'gemini-2.5-flash' });
    const body = (n: number) => bodyOf({ contents: [], generationConfig: { maxOutputTokens: 1000, candidateCount: n } });
    const diff = (estimate(body(3), r, google, gKey).usd ?? 0) - (estimate(body(1), r, google, gKey).usd ?? 0);
    expect(diff).toBeCloseTo(2 * 1000 * 2.5e-6, 9);
  });

  it('prices the input at the cache-write rate when that is dearer (Anthropic)', () => {
    const aKey: ProviderKey = { kind: 'anthropic', baseUrl: '', secret: 'k' };
    const r = route({ upstreamPath: '/v1/messages', model: 'claude-haiku-4-5' });
    const body = bodyOf({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const input = (body.bytes?.byteLength ?? 0) + CALL_OVERHEAD_TOKENS;
    // $1.25 / MTok cache writes beat $1 input.
    expect(estimate(body, r, anthropic, aKey).usd).toBeCloseTo((input * 1.25 + 10 * 5) / 1e6, 12);
  });

  it('gives each inline image its token bound, and caps the input at the context window', () => {
    const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } };
    const one = bodyOf({ model: 'gpt-4o', max_tokens: 1, messages: [{ role: 'user', content: [image] }] });
    const input = (one.bytes?.byteLength ?? 0) + CALL_OVERHEAD_TOKENS + IMAGE_TOKEN_BOUND;
    expect(estimate(one).usd).toBeCloseTo(costOf('openai', 'gpt-4o', { inputTokens: input, outputTokens: 1 }) ?? -1, 12);
    const many = bodyOf({ model: 'gpt-4o', max_tokens: 1, messages: [{ role: 'user', content: Array(10).fill(image) }] });
    // gpt-4o's context window is 128,000 tokens.
    expect(estimate(many).usd).toBeCloseTo(costOf('openai', 'gpt-4o', { inputTokens: 128_000, outputTokens: 1 }) ?? -1, 12);
  });

  it('reserves the full context window for context by reference, or says no bound exists', () => {
    const r = route({ upstreamPath: '/responses' });
    const body = bodyOf({ model: 'gpt-4o', previous_response_id: 'resp_1', input: 'go on', max_output_tokens: 100 });
    expect(estimate(body, r)).toEqual({ usd: costOf('openai', 'gpt-4o', { inputTokens: 128_000, outputTokens: 100 }) });
    const unknownWindow = [{ provider: 'openai', model: 'my-model', inputPerMTok: 1, outputPerMTok: 1 }];
    const mine = estimateCost({ adapter: openai, key, route: route({ upstreamPath: '/responses', model: 'my-model' }), body, facts: openai.inspect(r, body.json), overrides: unknownWindow as never, now: at });
    expect(mine.unbounded).toMatch(/previous_response_id/);
  });

  it('has no bound for hosted tools', () => {
    const r = route({ upstreamPath: '/responses' });
    const body = bodyOf({ model: 'gpt-4o', input: 'news?', tools: [{ type: 'web_search' }] });
    expect(estimate(body, r).unbounded).toMatch(/web_search/);
  });

  it('is zero for free calls and unknown for unpriced models', () => {
    const body = bodyOf({ model: 'claude-sonnet-4-5', messages: [] });
    const anthropicKey: ProviderKey = { kind: 'anthropic', baseUrl: '', secret: 'sk' };
    expect(estimate(body, route({ upstreamPath: '/v1/messages/count_tokens' }), anthropic, anthropicKey).usd).toBe(0);
    expect(estimate(body, route({ kind: 'models-list', capability: 'models', model: undefined })).usd).toBe(0);
    expect(estimate(body, route({ model: 'my-own-model' })).usd).toBeUndefined();
    expect(estimate(body, route({ model: undefined })).usd).toBeUndefined();
    const overrides = [{ provider: 'openai', model: 'my-own-model', inputPerMTok: 0, outputPerMTok: 1 }];
    expect(estimate(body, route({ model: 'my-own-model' }), openai, key, overrides as never).usd).toBeCloseTo(65_536 / 1e6, 12);
  });
});
