import { describe, expect, it } from 'vitest';
import { anthropic } from '../providers/anthropic';
import { openai } from '../providers/openai';
import { errorResponse, ProxyError, toProxyError } from './errors';

describe('errorResponse', () => {
  it('tells a rate-limited SDK when to retry', async () => {
    const response = errorResponse(openai, new ProxyError('rate_limited', undefined, 17));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('17');
    expect(response.headers.get('x-should-retry')).toBeNull();
    expect(await response.json()).toMatchObject({ error: { type: 'rate_limited' } });
  });

  it('tells an SDK never to retry an exhausted budget', () => {
    const response = errorResponse(anthropic, new ProxyError('budget_exhausted'));
    expect(response.status).toBe(429);
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it.each([
    ['token_invalid', 401],
    ['token_revoked', 401],
    ['token_expired', 401],
    ['origin_mismatch', 401],
    ['model_not_granted', 403],
    ['capability_not_granted', 403],
    ['provider_not_granted', 403],
    ['endpoint_not_covered', 403],
    ['price_unknown', 403],
    ['no_key', 403],
    ['vault_locked', 503],
    ['upstream_unreachable', 502],
  ] as const)('%s is %i', (type, status) => {
    expect(new ProxyError(type).status).toBe(status);
  });

  it('maps a locked vault, and hides what any other failure was', () => {
    expect(toProxyError(Object.assign(new Error('locked'), { code: 'vault_locked' })).type).toBe('vault_locked');
    const hidden = toProxyError(new Error('sk-secret in a stack'));
    expect(hidden.type).toBe('internal_error');
    expect(hidden.message).not.toContain('sk-secret');
  });
});
