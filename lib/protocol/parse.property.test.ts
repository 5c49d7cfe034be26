import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseOkapRequest, type ParseOkapRequestResult } from './parse';

/** Property tests: whatever arrives, the parser answers ok or invalid_request with a path, and never throws. */

const NOW = new Date('2025-06-01T12:00:00Z');
const PROTOTYPE_KEYS = Reflect.ownKeys(Object.prototype);
const ARRAY_PROTOTYPE_KEYS = Reflect.ownKeys(Array.prototype);

afterEach(() => {
  expect(Reflect.ownKeys(Object.prototype)).toEqual(PROTOTYPE_KEYS);
  expect(Reflect.ownKeys(Array.prototype)).toEqual(ARRAY_PROTOTYPE_KEYS);
});

/** Runs the parser the way the background would: a throw here fails the property. */
function parse(input: unknown, now: Date = NOW): ParseOkapRequestResult {
  const result = parseOkapRequest(input, now);
  if (result.ok) {
    expect(Array.isArray(result.request.authorization_details)).toBe(true);
  } else {
    expect(result.error.code).toBe('invalid_request');
    expect(typeof result.error.path).toBe('string');
    expect(typeof result.error.message).toBe('string');
    expect(result.error.message.length).toBeLessThan(2000);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  return result;
}

// ---- valid requests ----

const providerArb = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
const itemArb = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '');
const listArb = fc.array(itemArb, { maxLength: 5 });
const spendArb = fc.double({ min: 0.01, max: 1e6, noNaN: true });
const countArb = fc.integer({ min: 1, max: 1e6 });
const limitsArb = fc.record(
  { monthly_spend: spendArb, daily_spend: spendArb, requests_per_minute: countArb, requests_per_day: countArb },
  { requiredKeys: [] },
);
const futureArb = fc
  .date({ min: new Date(NOW.getTime() + 1000), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const detailFieldsArb = fc.record(
  { models: listArb, capabilities: listArb, limits: limitsArb, expires: futureArb, reason: fc.string({ maxLength: 50 }) },
  { requiredKeys: [] },
);
const detailArb = fc
  .tuple(providerArb, detailFieldsArb)
  .map(([provider, fields]) => ({ type: 'ai_model_access', provider, ...fields }));
const clientArb = fc.record(
  {
    name: itemArb,
    url: fc.webUrl({ validSchemes: ['http', 'https'] }),
    callback: fc.webUrl({ validSchemes: ['https'] }),
  },
  { requiredKeys: ['name'] },
);
const fullArb = fc.record({
  okap: fc.oneof(fc.constant('1.0'), fc.integer({ min: 1, max: 99 }).map((minor) => `1.${minor}`)),
  authorization_details: fc.array(detailArb, { minLength: 1, maxLength: 4 }),
  client: clientArb,
});
const shorthandArb = fc
  .tuple(providerArb, detailFieldsArb, fc.option(clientArb, { nil: undefined }))
  .map(([provider, fields, client]) => ({ provider, ...fields, ...(client ? { client } : {}) }));

// ---- hostile values ----

// Hostile values are handed over as thunks and built inside the property: fast-check itself inspects
// generated values (`cloneMethod in value`), which a revoked Proxy or a throwing trap would break.
type Make = () => unknown;

const throwingGetter: fc.Arbitrary<Make> = fc.constantFrom('value', 'provider', 'monthly_spend').map(
  (key) => () =>
    Object.defineProperty({}, key, {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    }),
);
const throwingProxy: fc.Arbitrary<Make> = fc
  .constantFrom<keyof ProxyHandler<object>>('ownKeys', 'get', 'getOwnPropertyDescriptor', 'has', 'getPrototypeOf')
  .map((trapName) => () => {
    const handler: ProxyHandler<object> = {
      [trapName]: () => {
        throw new Error(trapName);
      },
    };
    return new Proxy({ a: 1 }, handler);
  });
const revokedProxy: fc.Arbitrary<Make> = fc.boolean().map((isArray) => () => {
  const { proxy, revoke } = Proxy.revocable(isArray ? [] : {}, {});
  revoke();
  return proxy;
});
const cyclic: fc.Arbitrary<Make> = fc.constant(() => {
  const node: Record<string, unknown> = { name: 'x' };
  node.again = [node];
  return node;
});
const protoJson: fc.Arbitrary<Make> = fc
  .constantFrom('__proto__', 'constructor', 'prototype')
  .map((key) => () => JSON.parse(`{"${key}":{"polluted":1,"prototype":{"polluted":1}},"provider":"openai"}`) as unknown);
const hugeArray: fc.Arbitrary<Make> = fc
  // Sparse: `new Array(2 ** 32 - 1)` costs nothing to make (a dense 1e7 would cost 80 MB per run).
  .constantFrom(1e5, 2 ** 32 - 1)
  .map((length) => () => new Array<unknown>(length));
const deepNesting: fc.Arbitrary<Make> = fc.integer({ min: 20, max: 5000 }).map((depth) => () => {
  let node: unknown = 'leaf';
  for (let i = 0; i < depth; i++) node = i % 2 === 0 ? { a: node } : [node];
  return node;
});
const anything: fc.Arbitrary<Make> = fc
  .anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
    maxDepth: 4,
  })
  .map((value) => () => value);
const oddPrimitive: fc.Arbitrary<Make> = fc
  .constantFrom<unknown>(Symbol('s'), 10n, () => 1, NaN, -Infinity, undefined, null, new Date(NaN), '', -0)
  .map((value) => () => value);
const hostileArb: fc.Arbitrary<Make> = fc.oneof(
  anything,
  throwingGetter,
  throwingProxy,
  revokedProxy,
  cyclic,
  protoJson,
  hugeArray,
  deepNesting,
  oddPrimitive,
);

/** Puts `value` at the field `path` of `request` (a fresh structured copy), returning the new request. */
function replaceAt(request: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(request) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) {
    node = node[segment] as Record<string | number, unknown>;
  }
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

function formatPath(path: (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

const FULL_FIELD_PATHS: (string | number)[][] = [
  ['okap'],
  ['authorization_details'],
  ['authorization_details', 0],
  ['authorization_details', 0, 'type'],
  ['authorization_details', 0, 'provider'],
  ['authorization_details', 0, 'models'],
  ['authorization_details', 0, 'capabilities'],
  ['authorization_details', 0, 'limits'],
  ['authorization_details', 0, 'limits', 'monthly_spend'],
  ['authorization_details', 0, 'limits', 'daily_spend'],
  ['authorization_details', 0, 'limits', 'requests_per_minute'],
  ['authorization_details', 0, 'limits', 'requests_per_day'],
  ['authorization_details', 0, 'expires'],
  ['authorization_details', 0, 'reason'],
  ['client'],
  ['client', 'name'],
  ['client', 'url'],
  ['client', 'callback'],
];

const OBJECT_PATHS: (string | number)[][] = [
  [],
  ['authorization_details', 0],
  ['authorization_details', 0, 'limits'],
  ['client'],
];

const BASE_FULL = {
  okap: '1.0',
  authorization_details: [
    {
      type: 'ai_model_access',
      provider: 'openai',
      models: ['gpt-4o'],
      capabilities: ['chat'],
      limits: { monthly_spend: 5, daily_spend: 1, requests_per_minute: 10, requests_per_day: 100 },
      expires: '2030-01-01T00:00:00Z',
      reason: 'testing',
    },
  ],
  client: { name: 'App', url: 'https://app.example', callback: 'https://app.example/cb' },
};

describe('parseOkapRequest properties', () => {
  it('accepts every valid full request and reads it back unchanged but for duplicates and expiry form', () => {
    fc.assert(
      fc.property(fullArb, (request) => {
        const result = parse(request);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.request.okap).toBe(request.okap);
        expect(result.request.client).toEqual(request.client);
        result.request.authorization_details.forEach((detail, i) => {
          const asked = request.authorization_details[i];
          expect(detail.provider).toBe(asked?.provider);
          if (asked?.models) expect(detail.models).toEqual([...new Set(asked.models)]);
          if (asked?.expires) expect(Date.parse(detail.expires ?? '')).toBe(Date.parse(asked.expires));
        });
        // Parsing is idempotent: its own output is a valid request that reads back the same.
        expect(parse(result.request)).toEqual(result);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts every valid shorthand as a one-detail 1.0 request', () => {
    fc.assert(
      fc.property(shorthandArb, (shorthand) => {
        const result = parse(shorthand);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.request.okap).toBe('1.0');
        expect(result.request.authorization_details).toHaveLength(1);
        expect(result.request.authorization_details[0]?.provider).toBe(shorthand.provider);
        expect(result.request.client).toEqual(shorthand.client);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary and hostile input', () => {
    fc.assert(
      fc.property(hostileArb, (make) => {
        parse(make());
      }),
      { numRuns: 1500 },
    );
  });

  it('never throws when hostile values sit inside an otherwise valid request, and names where', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FULL_FIELD_PATHS), hostileArb, (path, make) => {
        const result = parse(replaceAt(BASE_FULL, path, make()));
        // Either the replacement happened to be acceptable, or the error lies at or inside that field
        // (or at the root, when it blew the size budget).
        if (!result.ok && result.error.path !== '') expect(result.error.path.startsWith(formatPath(path))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws when hostile values sit inside a valid shorthand', () => {
    const keys = ['provider', 'models', 'capabilities', 'limits', 'expires', 'reason', 'client', 'type', 'extra'];
    fc.assert(
      fc.property(shorthandArb, fc.constantFrom(...keys), hostileArb, (shorthand, key, make) => {
        const result = parse({ ...shorthand, [key]: make() });
        if (!result.ok && result.error.path !== '' && key !== 'extra') expect(result.error.path.startsWith(key)).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  it('refuses every version that is not 1.x, naming the supported ones', () => {
    const notOneX = fc
      .oneof(fc.string({ maxLength: 8 }), fc.stringMatching(/^[0-9]{1,3}\.[0-9]{1,3}$/))
      .filter((v) => !/^1\.(0|[1-9][0-9]{0,5})$/.test(v));
    fc.assert(
      fc.property(fc.oneof(notOneX.map((v): Make => () => v), hostileArb), (make) => {
        const result = parse({ ...BASE_FULL, okap: make() });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        // The version's own error, or (for an unreadable or oversized value) one about reading it.
        expect(result.error.path === '' || result.error.path.startsWith('okap')).toBe(true);
        if (typeof make() === 'string') expect(result.error.message).toContain('1.0');
      }),
      { numRuns: 500 },
    );
  });

  it('accepts an expiry exactly when it lies after now', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
        (expires, now) => {
          const result = parse({ provider: 'openai', expires: expires.toISOString() }, now);
          expect(result.ok).toBe(expires.getTime() > now.getTime());
          if (!result.ok) expect(result.error.path).toBe('expires');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses expiries that are not ISO 8601 dates', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.date({ noInvalidDate: true }).map((d) => d.toString()),
          fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
        ),
        (expires) => {
          fc.pre(!/^\d{4}-\d{2}-\d{2}/.test(expires));
          const result = parse({ provider: 'openai', expires });
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.path).toBe('expires');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops __proto__, constructor and prototype keys wherever they appear, polluting nothing', () => {
    const unsafeKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
    const payload = fc.jsonValue({ maxDepth: 2 });
    fc.assert(
      fc.property(fullArb, fc.array(fc.tuple(fc.constantFrom(...OBJECT_PATHS), unsafeKey, payload), { maxLength: 4 }), (request, additions) => {
        // Own properties named like prototype keys, exactly what JSON.parse makes of a hostile page's text.
        const input = JSON.parse(JSON.stringify(request)) as Record<string, unknown>;
        for (const [path, key, value] of additions) {
          let node: unknown = input;
          for (const segment of path) node = (node as Record<string | number, unknown>)?.[segment];
          if (typeof node !== 'object' || node === null) continue;
          Object.defineProperty(node, key, { value: { polluted: 1, value }, enumerable: true, writable: true, configurable: true });
        }
        const result = parse(input);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const seen: unknown[] = [result.request];
        while (seen.length > 0) {
          const node = seen.pop();
          if (typeof node !== 'object' || node === null) continue;
          expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(node));
          expect(Object.hasOwn(node, '__proto__') || Object.hasOwn(node, 'constructor') || Object.hasOwn(node, 'prototype')).toBe(false);
          seen.push(...Object.values(node));
        }
      }),
      { numRuns: 300 },
    );
  });
});
