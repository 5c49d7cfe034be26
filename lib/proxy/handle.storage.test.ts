import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLimitLedger } from '../limits/ledger';
import { memoryCounterStore } from '../limits/memory-store';
import type { CounterStore } from '../limits/types';
import { handle } from './handle';
import { recoverInterruptedCalls } from './recover';
import { appRequest, chatBody, makeGrant, makeKit, ORIGIN, REAL_KEY, type Kit } from './test-kit';

let mock: LLMock;
let kit: Kit;

beforeAll(async () => {
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 10, completion_tokens: 5 } });
  mock.onMessage('slow', { content: 'word '.repeat(40) }, { latency: 20, chunkSize: 5 });
  // Reports far more output than the call asked for: its real cost passes its reservation.
  mock.onMessage('overrun', { content: 'long', usage: { prompt_tokens: 10, completion_tokens: 50_000 } });
  await mock.start();
});
afterAll(() => mock.stop());

/** A store that fails every commit while `failing.value`, as IndexedDB does when the quota is full. */
const failing = { value: false };
let inner = memoryCounterStore();
beforeEach(() => {
  mock.clearRequests();
  kit = makeKit(mock.url);
  failing.value = false;
  inner = memoryCounterStore({ onRow: (row) => void kit.usage.record(row) });
  const store: CounterStore = {
    load: (g, p) => inner.load(g, p),
    listReservations: () => inner.listReservations(),
    listStates: () => inner.listStates(),
    async commit(batch) {
      if (failing.value) throw new DOMException('Encountered full disk while opening backing store for indexedDB.open.', 'QuotaExceededError');
      await inner.commit(batch);
    },
  };
  kit.deps.limits = createLimitLedger({ store, timeZone: 'UTC', now: () => kit.clock.now, onError: (e) => kit.errors.push(e) });
});

const call = (provider: string, path: string, token: string, json: unknown, headers: Record<string, string> = {}) =>
  handle(appRequest(provider, path, { json, headers: { authorization: `Bearer ${token}`, ...headers } }), { origin: ORIGIN }, kit.deps);

describe('a store that cannot commit', () => {
  it.each([
    ['openai', '/chat/completions', chatBody()],
    ['anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] }],
    ['google', '/v1beta/models/gemini-2.5-flash:generateContent', { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }],
  ])('refuses a %s call with a 503 in its shape and forwards nothing', async (provider, path, body) => {
    const token = kit.grant(makeGrant([{ provider, limits: { daily_spend: 5 } }]));
    failing.value = true;
    const response = await call(provider, path, token, body, provider === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {});
    expect(response.status).toBe(503);
    // Each provider's error shape carries the message (OpenAI and Anthropic `error.message`, Google `error.message`).
    expect(await response.json()).toMatchObject({ error: { message: expect.stringMatching(/could not record this call/) } });
    expect(kit.sent).toHaveLength(0);
    expect(mock.getRequests()).toHaveLength(0);
    expect(inner.reservations.size).toBe(0);
  });

  it('serves again, with nothing lost, once the store recovers', async () => {
    const grant = makeGrant([{ provider: 'openai', limits: { daily_spend: 5, requests_per_day: 2 } }]);
    const token = kit.grant(grant);
    failing.value = true;
    expect((await call('openai', '/chat/completions', token, chatBody())).status).toBe(503);
    failing.value = false;
    // The refused call took no slot of the two a day.
    for (let i = 0; i < 2; i++) {
      const response = await call('openai', '/chat/completions', token, chatBody());
      expect(response.status).toBe(200);
      await response.text();
    }
    await (kit.deps.limits as ReturnType<typeof createLimitLedger>).flush();
    expect(mock.getRequests()).toHaveLength(2);
    const rows = [...inner.rows.values()];
    expect(rows.map((r) => r.status)).toEqual([200, 200]);
    expect(inner.states.get(`${grant.id}\nopenai`)?.daySpentUsd).toBeCloseTo(rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0), 12);
  });
});

describe('write-ahead', () => {
  it('has the started row and the reservation committed before the upstream sees the call', async () => {
    const grant = makeGrant([{ provider: 'openai', limits: { daily_spend: 5 } }]);
    const token = kit.grant(grant);
    let seenAtSend: { reservations: number; rows: string[] } | undefined;
    const send = kit.deps.fetch;
    kit.deps.fetch = async (input, init) => {
      seenAtSend = { reservations: inner.reservations.size, rows: [...inner.rows.values()].map((r) => String(r.status)) };
      return send(input, init);
    };
    const response = await call('openai', '/chat/completions', token, chatBody({ stream: true, messages: [{ role: 'user', content: 'slow' }] }));
    expect(seenAtSend).toEqual({ reservations: 1, rows: ['started'] });
    // The worker dies mid-stream: a new one recovers the call as interrupted, billed its reservation, same row.
    const reader = response.body!.getReader();
    await reader.read();
    const held = [...inner.reservations.values()][0]!;
    const next = createLimitLedger({ store: inner, timeZone: 'UTC', now: () => kit.clock.now });
    expect(await recoverInterruptedCalls({ limits: next })).toBe(1);
    expect([...inner.rows.values()]).toMatchObject([{ id: held.id, status: 'interrupted', costUsd: held.amountUsd }]);
    expect(inner.states.get(`${grant.id}\nopenai`)?.daySpentUsd).toBe(held.amountUsd);
    await reader.cancel();
  });
});

describe('overrun hold (issue 7, defence in depth)', () => {
  it('holds paid calls of a grant once one settled above its reservation, until the person acknowledges it', async () => {
    const grant = makeGrant([{ provider: 'openai', limits: { daily_spend: 50 } }]);
    const token = kit.grant(grant);
    const first = await call('openai', '/chat/completions', token, chatBody({ max_tokens: 10, messages: [{ role: 'user', content: 'overrun' }] }));
    expect(first.status).toBe(200);
    await first.text();
    const ledger = kit.deps.limits as ReturnType<typeof createLimitLedger>;
    await ledger.flush();
    const [row] = [...inner.rows.values()];
    expect(row?.costUsd).toBeGreaterThan(0.1);
    const held = await call('openai', '/chat/completions', token, chatBody({ max_tokens: 10 }));
    expect(held.status).toBe(429);
    expect(held.headers.get('x-should-retry')).toBe('false');
    expect(await held.json()).toMatchObject({ error: { message: expect.stringMatching(/more than the .* held for it/) } });
    expect(mock.getRequests()).toHaveLength(1);
    expect(await ledger.overruns()).toMatchObject([{ grantId: grant.id, provider: 'openai' }]);
    await ledger.acknowledgeOverrun(grant.id, 'openai');
    const again = await call('openai', '/chat/completions', token, chatBody({ max_tokens: 10 }));
    expect(again.status).toBe(200);
    await again.text();
  });
});
