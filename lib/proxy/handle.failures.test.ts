import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLimitLedger } from '../limits/ledger';
import { handle } from './handle';
import { recoverInterruptedCalls } from './recover';
import { appRequest, chatBody, makeGrant, makeKit, makeReplayer, ORIGIN, REAL_KEY, REPLAY_PATH, type Kit } from './test-kit';

let mock: LLMock;
let kit: Kit;
const replay = makeReplayer();

const LONG = 'word '.repeat(60);

beforeAll(async () => {
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 10, completion_tokens: 5 } });
  mock.onMessage('slow', { content: LONG }, { latency: 20, chunkSize: 5 });
  mock.onMessage('break', { content: LONG }, { chunkSize: 5, latency: 10, disconnectAfterMs: 60 });
  mock.onMessage('vanish', { content: LONG }, { chunkSize: 5, truncateAfterChunks: 3 });
  mock.mount(REPLAY_PATH, replay);
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearRequests();
  kit = makeKit(mock.url);
});

const limits = { daily_spend: 10 };
const streamCall = (token: string, text: string, signal?: AbortSignal) =>
  handle(
    appRequest('openai', '/chat/completions', {
      json: chatBody({ stream: true, max_tokens: 500, messages: [{ role: 'user', content: text }] }),
      headers: { authorization: `Bearer ${token}` },
      ...(signal ? { signal } : {}),
    }),
    { origin: ORIGIN },
    kit.deps,
  );

async function readSome(response: Response, chunks: number): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = response.body!.getReader();
  for (let i = 0; i < chunks; i++) await reader.read();
  return reader;
}

/** The ledger holds nothing for calls that ended, in memory or in its store. */
async function expectNothingHeld(grantId: string): Promise<void> {
  await kit.ledger.flush();
  expect(kit.store.reservations.size).toBe(0);
  expect((await kit.ledger.snapshot(grantId, 'openai', kit.clock.now))).toMatchObject({ dayReservedUsd: 0, monthReservedUsd: 0 });
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('calls that end early', () => {
  it('sends nothing upstream when the app aborted before the call went out, and holds nothing', async () => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const before = mock.getRequests().length;
    const response = await streamCall(kit.grant(grant), 'hello', AbortSignal.abort());
    // The app learns the call did not happen (an SDK's own error for a 4xx); the provider never saw it.
    expect(response.status).toBe(400);
    expect(mock.getRequests().length).toBe(before);
    await until(() => kit.usage.rows.length > 0);
    expect(kit.usage.rows).toMatchObject([{ status: 'aborted', costUsd: 0 }]);
    await expectNothingHeld(grant.id);
  });

  it('passes a 204 on without a body and settles it', async () => {
    kit.keys.set('openai', { kind: 'openai', baseUrl: `${mock.url}${REPLAY_PATH}/v1`, secret: REAL_KEY });
    replay.play({ status: 204, body: '' });
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const response = await handle(
      appRequest('openai', '/chat/completions', { json: chatBody(), headers: { authorization: `Bearer ${kit.grant(grant)}` } }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    await until(() => kit.usage.rows.length > 0);
    expect(kit.usage.rows).toMatchObject([{ status: 204 }]);
    await expectNothingHeld(grant.id);
  });

  it('settles once when the app aborts mid-stream, billing the reservation for the unreported part', async () => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const token = kit.grant(grant);
    const controller = new AbortController();
    const response = await streamCall(token, 'slow', controller.signal);
    const reader = await readSome(response, 2);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await until(() => kit.usage.rows.length > 0);
    expect(kit.usage.rows).toHaveLength(1);
    const [row] = kit.usage.rows;
    expect(row?.status).toBe('aborted');
    expect(row?.costUsd).toBeGreaterThan(0);
    expect((await kit.ledger.snapshot(grant.id, 'openai', kit.clock.now))?.daySpentUsd).toBeCloseTo(row?.costUsd ?? -1, 12);
    await expectNothingHeld(grant.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(kit.usage.rows).toHaveLength(1);
  });

  it('settles once when the app cancels the body', async () => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const response = await streamCall(kit.grant(grant), 'slow');
    const reader = await readSome(response, 1);
    await reader.cancel();
    expect(kit.usage.rows).toMatchObject([{ status: 'aborted' }]);
    await expectNothingHeld(grant.id);
  });

  it('bills what it saw of a stream the upstream broke off', async () => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const response = await streamCall(kit.grant(grant), 'break');
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    const [row] = kit.usage.rows;
    expect(kit.usage.rows).toHaveLength(1);
    // No usage chunk came, so the reservation is billed.
    expect(row?.status).toBe('cut');
    expect(row?.costUsd).toBeGreaterThan(0);
    expect(row?.costUsd).toBe((await kit.ledger.snapshot(grant.id, 'openai', kit.clock.now))?.daySpentUsd);
    await expectNothingHeld(grant.id);
  });

  it('answers 502 and bills nothing when the upstream hangs up before answering', async () => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const response = await streamCall(kit.grant(grant), 'vanish');
    expect(response.status).toBe(502);
    expect(kit.usage.rows).toMatchObject([{ status: 'unreachable', costUsd: 0 }]);
    await expectNothingHeld(grant.id);
  });

  it('cuts a stream in flight when the grant is revoked', async () => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const response = await streamCall(kit.grant(grant), 'slow');
    const reader = await readSome(response, 2);
    kit.hub.revoke(grant.id);
    await expect(reader.read()).rejects.toThrow();
    expect(kit.usage.rows).toMatchObject([{ status: 'cut' }]);
    await expectNothingHeld(grant.id);
  });
});

describe('upstream failures', () => {
  it.each([500, 429, 503])('passes a %i through in the provider’s shape and bills nothing', async (status) => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    mock.nextRequestError(status, { message: 'upstream trouble', type: 'server_error' });
    const response = await handle(
      appRequest('openai', '/chat/completions', { json: chatBody(), headers: { authorization: `Bearer ${kit.grant(grant)}` } }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { message: 'upstream trouble' } });
    expect(kit.usage.rows).toMatchObject([{ status, costUsd: 0 }]);
    expect((await kit.ledger.snapshot(grant.id, 'openai', kit.clock.now))).toMatchObject({ daySpentUsd: 0, dayRequests: 1 });
    await expectNothingHeld(grant.id);
  });

  it('answers 502 when the upstream cannot be reached, billing nothing', async () => {
    kit.keys.set('openai', { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', secret: REAL_KEY });
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const response = await handle(
      appRequest('openai', '/chat/completions', { json: chatBody(), headers: { authorization: `Bearer ${kit.grant(grant)}` } }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { type: 'upstream_unreachable' } });
    expect(kit.usage.rows).toMatchObject([{ status: 'unreachable', costUsd: 0 }]);
    await expectNothingHeld(grant.id);
  });

  it('still answers a refusal when the usage sink fails', async () => {
    // Admitted calls' rows are committed by the ledger (see handle.storage.test.ts); the sink has refusals.
    kit.deps.usage = { record: () => Promise.reject(new Error('quota')) };
    const token = kit.grant(makeGrant([{ provider: 'openai', models: ['gpt-4o-mini'] }]));
    const response = await handle(appRequest('openai', '/chat/completions', { json: chatBody(), headers: { authorization: `Bearer ${token}` } }), { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(403);
    await response.text();
    await until(() => kit.errors.length > 0);
    expect(String(kit.errors[0])).toContain('quota');
  });
});

describe('a worker that dies mid-call', () => {
  it('leaves a reservation that the next start bills and logs as interrupted', async () => {
    const grant = makeGrant([{ provider: 'openai', limits }]);
    const response = await streamCall(kit.grant(grant), 'slow');
    const reader = await readSome(response, 1);
    await kit.ledger.flush();
    // The worker is gone: nothing settles this call. A new one starts on the same store.
    expect(kit.store.reservations.size).toBe(1);
    const held = [...kit.store.reservations.values()][0]!;
    const ledger = createLimitLedger({ store: kit.store, timeZone: 'UTC', now: () => kit.clock.now });
    expect(await recoverInterruptedCalls({ limits: ledger })).toBe(1);
    // The call's row, written ahead as `started`, is completed in place.
    expect([...kit.store.rows.values()]).toMatchObject([
      { status: 'interrupted', grantId: grant.id, origin: ORIGIN, model: 'gpt-4o', endpoint: '/chat/completions', costUsd: held.amountUsd },
    ]);
    expect(kit.store.reservations.size).toBe(0);
    expect((await ledger.snapshot(grant.id, 'openai', kit.clock.now))?.daySpentUsd).toBe(held.amountUsd);
    await reader.cancel();
  });
});
