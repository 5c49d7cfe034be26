import { describe, expect, it } from 'vitest';
import { costOf } from '../pricing';
import { anthropic } from '../providers/anthropic';
import { openai } from '../providers/openai';
import type { Route } from '../providers/types';
import type { CallBody } from './body';
import type { ProviderKey } from './deps';
import { BYTES_PER_TOKEN, estimateCost } from './estimate';

const key: ProviderKey = { kind: 'openai', baseUrl: '', secret: 'sk' };
const route = (over: Partial<Route> = {}): Route => ({ upstreamPath: '/chat/completions', capability: 'chat', model: 'gpt-4o', stream: false, kind: 'call', ...over });
const bodyOf = (json: unknown): CallBody => {
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  return { bytes, json, view: json };
};
const at = Date.parse('2026-03-10T12:00:00Z');

describe('estimateCost', () => {
  it('prices body bytes / 3 of input and the request’s own output limit', () => {
    const body = bodyOf({ model: 'gpt-4o', max_tokens: 200, n: 2, messages: [{ role: 'user', content: 'x'.repeat(300) }] });
    const input = Math.ceil((body.bytes?.byteLength ?? 0) / BYTES_PER_TOKEN);
    expect(estimateCost({ adapter: openai, key, route: route(), body, overrides: [], now: at })).toBeCloseTo(
      costOf('openai', 'gpt-4o', { inputTokens: input, outputTokens: 400 }) ?? -1,
      12,
    );
  });

  it('falls back to the model’s maximum output', () => {
    const body = bodyOf({ model: 'gpt-4o', messages: [] });
    const input = Math.ceil((body.bytes?.byteLength ?? 0) / BYTES_PER_TOKEN);
    expect(estimateCost({ adapter: openai, key, route: route(), body, overrides: [], now: at })).toBeCloseTo(
      costOf('openai', 'gpt-4o', { inputTokens: input, outputTokens: 16_384 }) ?? -1,
      12,
    );
  });

  it('is zero for free calls and unknown for unpriced models', () => {
    const body = bodyOf({ model: 'claude-sonnet-4-5', messages: [] });
    const anthropicKey: ProviderKey = { kind: 'anthropic', baseUrl: '', secret: 'sk' };
    expect(estimateCost({ adapter: anthropic, key: anthropicKey, route: route({ upstreamPath: '/v1/messages/count_tokens' }), body, overrides: [], now: at })).toBe(0);
    expect(estimateCost({ adapter: openai, key, route: route({ kind: 'models-list', capability: 'models', model: undefined }), body, overrides: [], now: at })).toBe(0);
    expect(estimateCost({ adapter: openai, key, route: route({ model: 'my-own-model' }), body, overrides: [], now: at })).toBeUndefined();
    expect(estimateCost({ adapter: openai, key, route: route({ model: undefined }), body, overrides: [], now: at })).toBeUndefined();
    const overrides = [{ provider: 'openai', model: 'my-own-model', inputPerMTok: 0, outputPerMTok: 1 }];
    expect(estimateCost({ adapter: openai, key, route: route({ model: 'my-own-model' }), body, overrides, now: at })).toBeCloseTo(65_536 / 1e6, 12);
  });
});
