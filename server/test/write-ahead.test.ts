import { LLMock } from '@copilotkit/aimock';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlOf, grantAccess, startVault, tempDir, type VaultProcess } from './harness';
import { freshDatabase, sql } from './pg';

// The SQL ledger behind the real server on PostgreSQL (issue 13 item 2): write-ahead rows, the
// overrun hold and its owner endpoints, and a failing database refusing calls with nothing sent.

type Json = Parameters<LLMock['onMessage']>[1];
type Opts = Parameters<LLMock['onMessage']>[2];
const REAL_KEY = 'sk-real-upstream-key-0013';

let upstream: LLMock;
let databaseUrl: string;
let vault: VaultProcess;

interface UsageRecord {
  id: string;
  status: string;
  cost_usd: number | null;
}

async function grant(limits: Record<string, number>) {
  const name = `wal test ${Math.random()}`;
  const granted = await grantAccess(vault, { provider: 'openai', models: ['gpt-4o-mini'], client: { name } }, { limits });
  const [row] = await sql<{ id: string }>(databaseUrl, "SELECT id FROM grants WHERE client->>'name' = $1", [name]);
  return { token: granted.token, base: baseUrlOf(granted, 'openai'), id: row!.id };
}

const chat = (g: { token: string; base: string }, content: string, extra: Record<string, unknown> = {}) =>
  fetch(`${g.base}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${g.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], max_tokens: 50, ...extra }),
  });

const rowsOf = (grantId: string) => sql<UsageRecord>(databaseUrl, 'SELECT id, status, cost_usd FROM usage WHERE grant_id = $1 ORDER BY time', [grantId]);

beforeAll(async () => {
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 10, completion_tokens: 5 } } as Json);
  upstream.onMessage('slow', { content: 'word '.repeat(200) }, { latency: 30, chunkSize: 8 } as Opts);
  // Reports far more output than max_tokens allows: its real cost passes its reservation.
  upstream.onMessage('overrun', { content: 'long', usage: { prompt_tokens: 10, completion_tokens: 50_000 } } as Json);
  await upstream.start();
  databaseUrl = await freshDatabase('wal');
  vault = await startVault({
    DATABASE_URL: databaseUrl,
    OKAP_SERVER_KEY: randomBytes(32).toString('base64'),
    OKAP_OWNER_TOKEN: `owner-${randomBytes(16).toString('hex')}`,
    OKAP_DATA_DIR: tempDir('wal'),
  });
  const added = await vault.owner('/owner/keys', { method: 'POST', json: { provider: 'openai', secret: REAL_KEY, base_url: `${upstream.url}/v1` } });
  expect(added.status).toBe(201);
}, 240_000);

afterAll(async () => {
  await vault?.stop();
  await upstream?.stop();
});

describe('the vault server writes ahead (PostgreSQL)', () => {
  it('a call has its started row, under its reservation id, while the upstream is still answering', async () => {
    const g = await grant({ daily_spend: 1 });
    const response = await chat(g, 'slow', { stream: true });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    // Mid-stream: the provider has the call, and so does the database.
    const [reservation] = await sql<{ id: string; amount_usd: number }>(databaseUrl, 'SELECT id, amount_usd FROM reservations WHERE grant_id = $1', [g.id]);
    expect(reservation).toBeDefined();
    expect(await rowsOf(g.id)).toEqual([{ id: reservation!.id, status: 'started', cost_usd: null }]);
    while (!(await reader.read()).done);
    // Settled in one statement: the same row completed, the reservation gone.
    await expect.poll(async () => (await rowsOf(g.id))[0]?.status).toBe('200');
    const [done] = await rowsOf(g.id);
    expect(done!.id).toBe(reservation!.id);
    expect(done!.cost_usd).toBeGreaterThan(0);
    expect(done!.cost_usd).toBeLessThanOrEqual(reservation!.amount_usd);
    expect(await sql(databaseUrl, 'SELECT id FROM reservations WHERE grant_id = $1', [g.id])).toEqual([]);
  });

  it('holds a grant whose call cost more than its reservation until the owner acknowledges it', async () => {
    const g = await grant({ daily_spend: 5 });
    const first = await chat(g, 'overrun');
    expect(first.status).toBe(200);
    await expect.poll(async () => (await rowsOf(g.id))[0]?.status).toBe('200');
    const held = await chat(g, 'hello');
    expect(held.status).toBe(429);
    expect(held.headers.get('x-should-retry')).toBe('false');
    const body = (await held.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exhausted');
    expect(body.error.message).toMatch(/more than the \$[\d.]+ held for it/);

    const listed = (await (await vault.owner('/owner/overruns')).json()) as { overruns: { grant_id: string; provider: string; cost_usd: number; reserved_usd: number }[] };
    const mine = listed.overruns.find((o) => o.grant_id === g.id);
    expect(mine).toMatchObject({ provider: 'openai' });
    expect(mine!.cost_usd).toBeGreaterThan(mine!.reserved_usd);
    // The real cost is already in the counters.
    const [counter] = await sql<{ usd: number }>(databaseUrl, 'SELECT day_spent_usd AS usd FROM counters WHERE grant_id = $1', [g.id]);
    expect(counter!.usd).toBeCloseTo(mine!.cost_usd);

    expect((await vault.owner(`/owner/overruns/${g.id}/anthropic/ack`, { method: 'POST' })).status).toBe(404);
    expect((await vault.owner(`/owner/overruns/${g.id}/openai/ack`, { method: 'POST' })).status).toBe(204);
    expect(((await (await vault.owner('/owner/overruns')).json()) as { overruns: { grant_id: string }[] }).overruns.some((o) => o.grant_id === g.id)).toBe(false);
    expect((await chat(g, 'hello')).status).toBe(200);
  });

  it('a database that cannot record the call gets a 503 in the provider shape, and nothing is sent upstream', async () => {
    const g = await grant({ daily_spend: 1 });
    const sentBefore = upstream.getRequests().length;
    await sql(databaseUrl, 'REVOKE INSERT ON usage FROM CURRENT_USER');
    let response: Response;
    try {
      response = await chat(g, 'hello');
    } finally {
      await sql(databaseUrl, 'GRANT INSERT ON usage TO CURRENT_USER');
    }
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error.code).toBe('storage_unavailable');
    expect(body.error.message).toMatch(/could not record this call/);
    expect(upstream.getRequests().length).toBe(sentBefore);
    // The admission took nothing: no reservation, no request counted, no spend.
    expect(await sql(databaseUrl, 'SELECT id FROM reservations WHERE grant_id = $1', [g.id])).toEqual([]);
    const [counter] = await sql<{ n: number }>(databaseUrl, 'SELECT day_requests AS n FROM counters WHERE grant_id = $1', [g.id]);
    expect(counter?.n ?? 0).toBe(0);
    // Once the database records again, so does the vault.
    expect((await chat(g, 'hello')).status).toBe(200);
    expect(upstream.getRequests().length).toBe(sentBefore + 1);
  });
});
