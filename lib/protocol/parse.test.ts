import { describe, expect, it } from 'vitest';
import { parseOkapRequest } from './parse';

const NOW = new Date('2025-06-01T12:00:00Z');

const detail = (extra: Record<string, unknown> = {}) => ({ type: 'ai_model_access', provider: 'openai', ...extra });
const full = (extra: Record<string, unknown> = {}, detailExtra: Record<string, unknown> = {}) => ({
  okap: '1.0',
  authorization_details: [detail(detailExtra)],
  client: { name: 'Example App', url: 'https://app.example.com' },
  ...extra,
});

function rejected(input: unknown): { message: string; path: string } {
  const result = parseOkapRequest(input, NOW);
  if (result.ok) throw new Error(`expected a rejection, got ${JSON.stringify(result.request)}`);
  expect(result.error.code).toBe('invalid_request');
  return result.error;
}

describe('parseOkapRequest: valid requests', () => {
  it('reads the spec §3.2 example', () => {
    const result = parseOkapRequest(
      {
        okap: '1.0',
        authorization_details: [
          { type: 'ai_model_access', provider: 'openai', models: ['gpt-4'], limits: { monthly_spend: 10.0 } },
        ],
        client: { name: 'Example App', url: 'https://app.example.com', callback: 'https://app.example.com/callback' },
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      request: {
        okap: '1.0',
        authorization_details: [
          { type: 'ai_model_access', provider: 'openai', models: ['gpt-4'], limits: { monthly_spend: 10 } },
        ],
        client: { name: 'Example App', url: 'https://app.example.com', callback: 'https://app.example.com/callback' },
      },
    });
  });

  it('reads every field, several details, and normalizes expires', () => {
    const result = parseOkapRequest(
      {
        okap: '1.0',
        authorization_details: [
          detail({
            models: ['gpt-4o', 'gpt-4o-mini', 'gpt-4o'],
            capabilities: ['chat', 'embeddings'],
            limits: { monthly_spend: 10, daily_spend: 0.5, requests_per_minute: 60, requests_per_day: 1000 },
            expires: '2025-07-01T02:00:00+02:00',
            reason: 'Summarize your notes',
          }),
          { type: 'ai_model_access', provider: 'anthropic', expires: '2026-01-01' },
        ],
        client: { name: 'Notes' },
      },
      NOW,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [first, second] = result.request.authorization_details;
    expect(first?.models).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(first?.limits).toEqual({ monthly_spend: 10, daily_spend: 0.5, requests_per_minute: 60, requests_per_day: 1000 });
    expect(first?.expires).toBe('2025-07-01T00:00:00.000Z');
    expect(first?.reason).toBe('Summarize your notes');
    expect(second?.expires).toBe('2026-01-01T00:00:00.000Z');
  });

  it('accepts any 1.x minor version and keeps it', () => {
    for (const okap of ['1.0', '1.1', '1.25']) {
      const result = parseOkapRequest(full({ okap }), NOW);
      expect(result.ok && result.request.okap).toBe(okap);
    }
  });

  it('strips unknown keys everywhere, including the spec transport `type`', () => {
    const result = parseOkapRequest(
      {
        type: 'OKAP_REQUEST',
        extra: 1,
        ...full({ client: { name: 'A', secret: 'x' } }, { base_url: 'https://evil.example', limits: { monthly_spend: 1, burst: 9 } }),
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      request: {
        okap: '1.0',
        authorization_details: [{ type: 'ai_model_access', provider: 'openai', limits: { monthly_spend: 1 } }],
        client: { name: 'A' },
      },
    });
  });

  it('reads the shorthand as one authorization detail of a 1.0 request', () => {
    expect(parseOkapRequest({ provider: 'openai' }, NOW)).toEqual({
      ok: true,
      request: { okap: '1.0', authorization_details: [{ type: 'ai_model_access', provider: 'openai' }] },
    });
    const result = parseOkapRequest(
      {
        provider: 'anthropic',
        models: ['claude-sonnet-4-5'],
        capabilities: ['chat'],
        limits: { daily_spend: 2, requests_per_minute: 10 },
        expires: '2025-06-02T00:00:00Z',
        reason: 'Chat',
        client: { name: 'My App', url: 'http://localhost:3000' },
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      request: {
        okap: '1.0',
        authorization_details: [
          {
            type: 'ai_model_access',
            provider: 'anthropic',
            models: ['claude-sonnet-4-5'],
            capabilities: ['chat'],
            limits: { daily_spend: 2, requests_per_minute: 10 },
            expires: '2025-06-02T00:00:00.000Z',
            reason: 'Chat',
          },
        ],
        client: { name: 'My App', url: 'http://localhost:3000' },
      },
    });
  });

  it('reads undefined optional fields as absent, like JSON does', () => {
    const result = parseOkapRequest({ provider: 'openai', models: undefined, limits: undefined }, NOW);
    expect(result).toEqual({
      ok: true,
      request: { okap: '1.0', authorization_details: [{ type: 'ai_model_access', provider: 'openai' }] },
    });
    expect(result.ok && Object.keys(result.request.authorization_details[0] ?? {})).toEqual(['type', 'provider']);
  });

  it('returns fresh plain objects, not the input', () => {
    const input = full();
    const result = parseOkapRequest(input, NOW);
    if (!result.ok) throw new Error('rejected');
    expect(result.request).not.toBe(input);
    expect(result.request.authorization_details).not.toBe(input.authorization_details);
    expect(result.request.client).not.toBe(input.client);
    expect(Object.getPrototypeOf(result.request)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.request.authorization_details[0])).toBe(Object.prototype);
  });

  it('reads a getter once, so the value checked is the value kept', () => {
    let reads = 0;
    const input = {
      get provider() {
        reads++;
        return reads === 1 ? 'openai' : 'NOT VALID';
      },
    };
    const result = parseOkapRequest(input, NOW);
    expect(result.ok && result.request.authorization_details[0]?.provider).toBe('openai');
    expect(reads).toBe(1);
  });
});

describe('parseOkapRequest: each rule names the offending field', () => {
  const cases: [string, unknown, string][] = [
    // root
    ['not an object', 'openai', ''],
    ['null', null, ''],
    ['an array', [full()], ''],
    ['neither form', { name: 'x' }, ''],
    // version
    ['another major version', full({ okap: '2.0' }), 'okap'],
    ['a numeric version', full({ okap: 1.0 }), 'okap'],
    ['a patch version', full({ okap: '1.0.1' }), 'okap'],
    ['a missing version', { authorization_details: [detail()], client: { name: 'A' } }, 'okap'],
    // details
    ['no details', full({ authorization_details: [] }), 'authorization_details'],
    ['details not an array', full({ authorization_details: detail() }), 'authorization_details'],
    ['eleven details', full({ authorization_details: Array.from({ length: 11 }, () => detail()) }), 'authorization_details'],
    ['another type', full({ authorization_details: [detail({ type: 'payment_initiation' })] }), 'authorization_details[0].type'],
    ['a missing type', full({ authorization_details: [{ provider: 'openai' }] }), 'authorization_details[0].type'],
    ['a missing provider', full({ authorization_details: [{ type: 'ai_model_access' }] }), 'authorization_details[0].provider'],
    ['an uppercase provider', full({}, { provider: 'OpenAI' }), 'authorization_details[0].provider'],
    ['a provider with a slash', full({}, { provider: 'a/b' }), 'authorization_details[0].provider'],
    ['a provider starting with a dash', full({}, { provider: '-x' }), 'authorization_details[0].provider'],
    ['a 65-character provider', full({}, { provider: 'a'.repeat(65) }), 'authorization_details[0].provider'],
    ['models not an array', full({}, { models: 'gpt-4' }), 'authorization_details[0].models'],
    ['101 models', full({}, { models: Array.from({ length: 101 }, (_, i) => `m${i}`) }), 'authorization_details[0].models'],
    ['a 201-character model', full({}, { models: ['ok', 'm'.repeat(201)] }), 'authorization_details[0].models[1]'],
    ['a blank model', full({}, { models: ['gpt-4', '  \t'] }), 'authorization_details[0].models[1]'],
    ['an empty capability', full({}, { capabilities: [''] }), 'authorization_details[0].capabilities[0]'],
    ['a numeric capability', full({}, { capabilities: [1] }), 'authorization_details[0].capabilities[0]'],
    // limits
    ['limits not an object', full({}, { limits: 10 }), 'authorization_details[0].limits'],
    ['a zero spend', full({}, { limits: { monthly_spend: 0 } }), 'authorization_details[0].limits.monthly_spend'],
    ['a negative spend', full({}, { limits: { daily_spend: -1 } }), 'authorization_details[0].limits.daily_spend'],
    ['an infinite spend', full({}, { limits: { monthly_spend: Infinity } }), 'authorization_details[0].limits.monthly_spend'],
    ['a NaN spend', full({}, { limits: { monthly_spend: NaN } }), 'authorization_details[0].limits.monthly_spend'],
    ['a string spend', full({}, { limits: { monthly_spend: '10' } }), 'authorization_details[0].limits.monthly_spend'],
    ['a null spend', full({}, { limits: { monthly_spend: null } }), 'authorization_details[0].limits.monthly_spend'],
    ['a BigInt spend', full({}, { limits: { monthly_spend: 10n } }), 'authorization_details[0].limits.monthly_spend'],
    ['a fractional rate', full({}, { limits: { requests_per_minute: 1.5 } }), 'authorization_details[0].limits.requests_per_minute'],
    ['a zero daily count', full({}, { limits: { requests_per_day: 0 } }), 'authorization_details[0].limits.requests_per_day'],
    ['an unsafe integer count', full({}, { limits: { requests_per_day: 2 ** 60 } }), 'authorization_details[0].limits.requests_per_day'],
    // expires
    ['an expiry in the past', full({}, { expires: '2025-06-01T11:59:59Z' }), 'authorization_details[0].expires'],
    ['an expiry equal to now', full({}, { expires: '2025-06-01T12:00:00Z' }), 'authorization_details[0].expires'],
    ['an expiry without a time zone', full({}, { expires: '2026-01-01T00:00:00' }), 'authorization_details[0].expires'],
    ['an impossible date', full({}, { expires: '2026-02-30T00:00:00Z' }), 'authorization_details[0].expires'],
    ['a free-text expiry', full({}, { expires: 'next week' }), 'authorization_details[0].expires'],
    ['a numeric expiry', full({}, { expires: Date.parse('2026-01-01') }), 'authorization_details[0].expires'],
    ['a Date object expiry', full({}, { expires: new Date('2026-01-01') }), 'authorization_details[0].expires'],
    [
      'a past expiry in a later detail',
      full({ authorization_details: [detail(), detail({ expires: '2020-01-01T00:00:00Z' })] }),
      'authorization_details[1].expires',
    ],
    // reason
    ['a 501-character reason', full({}, { reason: 'r'.repeat(501) }), 'authorization_details[0].reason'],
    ['a numeric reason', full({}, { reason: 5 }), 'authorization_details[0].reason'],
    // client
    ['a missing client', full({ client: undefined }), 'client'],
    ['a client without name', full({ client: { url: 'https://a.example' } }), 'client.name'],
    ['a blank client name', full({ client: { name: '   ' } }), 'client.name'],
    ['a 101-character client name', full({ client: { name: 'n'.repeat(101) } }), 'client.name'],
    ['a javascript: client url', full({ client: { name: 'A', url: 'javascript:alert(1)' } }), 'client.url'],
    ['a relative client url', full({ client: { name: 'A', url: '/home' } }), 'client.url'],
    ['a data: callback', full({ client: { name: 'A', callback: 'data:text/html,hi' } }), 'client.callback'],
    ['a client name with a right-to-left override', full({ client: { name: 'ppA \u202eevil' } }), 'client.name'],
    ['a client name with a newline', full({ client: { name: 'A\nB' } }), 'client.name'],
    ['a model with a NUL', full({}, { models: ['gpt\u00004'] }), 'authorization_details[0].models[0]'],
    ['a reason with a direction isolate', full({}, { reason: 'ok \u2067x' }), 'authorization_details[0].reason'],
    // size
    ['a request over 64 KB', full({ padding: 'x'.repeat(64 * 1024) }), ''],
    // shorthand
    ['a shorthand with a bad provider', { provider: 'Open AI' }, 'provider'],
    ['a shorthand with a bad limit', { provider: 'openai', limits: { requests_per_day: -5 } }, 'limits.requests_per_day'],
    ['a shorthand with a past expiry', { provider: 'openai', expires: '2024-01-01T00:00:00Z' }, 'expires'],
    ['a shorthand with a blank model', { provider: 'openai', models: [''] }, 'models[0]'],
    ['a shorthand with another type', { provider: 'openai', type: 'x' }, 'type'],
    ['a shorthand with a bad client url', { provider: 'openai', client: { name: 'A', url: 'ftp://x' } }, 'client.url'],
    ['a shorthand with a nameless client', { provider: 'openai', client: {} }, 'client.name'],
  ];

  it.each(cases)('rejects %s', (_name, input, path) => {
    const error = rejected(input);
    expect(error.path).toBe(path);
    expect(error.message.length).toBeGreaterThan(0);
    if (path !== '') expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('lets a reason break lines', () => {
    expect(parseOkapRequest(full({}, { reason: 'Line one\r\nLine two\tend' }), NOW).ok).toBe(true);
  });

  it('names the supported versions when refusing another major version', () => {
    const error = rejected(full({ okap: '2.0' }));
    expect(error.message).toContain('"2.0"');
    expect(error.message).toContain('1.0');
    expect(error.message).toContain('1.x');
  });

  it('says a past expiry must lie in the future', () => {
    expect(rejected({ provider: 'openai', expires: '2024-01-01T00:00:00Z' }).message).toBe('expires: must be in the future');
  });

  it('takes the clock from its caller', () => {
    const input = { provider: 'openai', expires: '2030-01-01T00:00:00Z' };
    expect(parseOkapRequest(input, new Date('2029-12-31T23:59:59Z')).ok).toBe(true);
    expect(parseOkapRequest(input, new Date('2030-01-01T00:00:01Z')).ok).toBe(false);
    // An invalid clock cannot prove any expiry lies ahead.
    expect(parseOkapRequest(input, new Date(NaN)).ok).toBe(false);
    expect(parseOkapRequest({ provider: 'openai' }, new Date(NaN)).ok).toBe(true);
  });

  it('accepts a request of exactly 64 KB and refuses one byte more', () => {
    const base = JSON.stringify({ provider: 'openai', pad: '' });
    const fits = { provider: 'openai', pad: 'é'.repeat((64 * 1024 - base.length) / 2) };
    expect(new TextEncoder().encode(JSON.stringify(fits)).length).toBe(64 * 1024);
    expect(parseOkapRequest(fits, NOW).ok).toBe(true);
    expect(parseOkapRequest({ ...fits, pad: `${fits.pad}x` }, NOW).ok).toBe(false);
  });

  it('reports the first problem of a request with several', () => {
    expect(rejected(full({ client: { name: '' } }, { provider: 'BAD' })).path).toBe('authorization_details[0].provider');
  });

  it('quotes keys that are not identifiers in the path', () => {
    const error = rejected({ provider: 'openai', 'odd key': { get x() { throw new Error('boom'); } } });
    expect(error.path).toBe('["odd key"].x');
  });
});

describe('parseOkapRequest: hostile input', () => {
  it('refuses cycles with the path where the cycle closes', () => {
    const limits: Record<string, unknown> = { monthly_spend: 1 };
    limits.self = limits;
    expect(rejected({ provider: 'openai', limits }).path).toBe('limits.self');
  });

  it('accepts shared references that are not cycles', () => {
    const models = ['gpt-4'];
    expect(parseOkapRequest(full({ authorization_details: [detail({ models }), detail({ models })] }), NOW).ok).toBe(true);
  });

  it('refuses throwing getters with their path', () => {
    const input = full({}, { limits: { get monthly_spend(): number { throw new Error('boom'); } } });
    expect(rejected(input).path).toBe('authorization_details[0].limits.monthly_spend');
  });

  it('refuses proxies whose traps throw', () => {
    const trap = () => {
      throw new Error('trap');
    };
    const hostile = new Proxy({}, { ownKeys: trap, get: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap });
    expect(rejected(hostile).path).toBe('');
    expect(rejected({ provider: 'openai', client: hostile }).path).toBe('client');
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    expect(rejected({ provider: 'openai', models: proxy }).path).toBe('models');
  });

  it('refuses very deep nesting without overflowing the stack', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const error = rejected({ provider: 'openai', extra: deep });
    expect(error.path.startsWith('extra.a.a')).toBe(true);
  });

  it('refuses huge and sparse arrays quickly', () => {
    const start = performance.now();
    expect(rejected({ provider: 'openai', models: new Array(1e9) }).path).toBe('');
    expect(rejected({ provider: 'openai', models: Array.from({ length: 1e6 }, () => 'm') }).path).toBe('');
    expect(rejected({ provider: 'openai', reason: 'x'.repeat(50e6) }).path).toBe('');
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('does not let __proto__, constructor or prototype keys reach any prototype', () => {
    const input = JSON.parse(
      '{"provider":"openai","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},' +
        '"limits":{"__proto__":{"polluted":1},"monthly_spend":5},"client":{"name":"A","prototype":{"polluted":1}}}',
    );
    const result = parseOkapRequest(input, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const detail = result.request.authorization_details[0];
    expect(Object.getPrototypeOf(detail?.limits)).toBe(Object.prototype);
    expect(Object.keys(detail?.limits ?? {})).toEqual(['monthly_spend']);
    expect(Object.getPrototypeOf(result.request.client)).toBe(Object.prototype);
    expect(Object.keys(result.request.client ?? {})).toEqual(['name']);
  });
});
