import { LLMock } from '@copilotkit/aimock';
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../db/migrate';
import { baseUrlOf, grantAccess, startVault, tempDir, type VaultProcess } from './harness';
import { freshDatabase, sql } from './pg';

type Json = Parameters<LLMock['onMessage']>[1];
type Opts = Parameters<LLMock['onMessage']>[2];
const REAL_KEY = 'sk-real-upstream-key-0002';
const LONG = 'word '.repeat(400);

let upstream: LLMock;
let databaseUrl: string;
let env: Record<string, string>;
let a: VaultProcess;
let b: VaultProcess;

/** The same token through the other process: same path, that process's address. */
const via = (vault: VaultProcess, baseUrl: string) => baseUrl.replace(/^http:\/\/[^/]+/, vault.url);

async function grant(limits: Record<string, number>, models = ['gpt-4o-mini']) {
  const granted = await grantAccess(
    a,
    { provider: 'openai', models, client: { name: `pg test ${Math.random()}` } },
    { limits },
  );
  return { token: granted.token, base: baseUrlOf(granted, 'openai') };
}

async function chat(vault: VaultProcess, g: { token: string; base: string }, content = 'hello', extra: Record<string, unknown> = {}) {
  return fetch(`${via(vault, g.base)}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${g.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra }),
  });
}

beforeAll(async () => {
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 10, completion_tokens: 5 } } as Json);
  // Reports near its reservation's worth of output, so the spend test's calls really use the budget.
  upstream.onMessage('spend', { content: 'costly', usage: { prompt_tokens: 10, completion_tokens: 90_000 } } as Json);
  upstream.onMessage('slow', { content: LONG }, { latency: 30, chunkSize: 8 } as Opts);
  await upstream.start();
  databaseUrl = await freshDatabase('two');
  env = {
    DATABASE_URL: databaseUrl,
    OKAP_SERVER_KEY: randomBytes(32).toString('base64'),
    OKAP_OWNER_TOKEN: `owner-${randomBytes(16).toString('hex')}`,
    OKAP_DATA_DIR: tempDir('pg'),
  };
  // Both start at once on the empty database: the advisory lock applies the migrations once.
  [a, b] = await Promise.all([startVault(env), startVault(env)]);
  const added = await a.owner('/owner/keys', { method: 'POST', json: { provider: 'openai', secret: REAL_KEY, base_url: `${upstream.url}/v1` } });
  expect(added.status).toBe(201);
}, 240_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await upstream?.stop();
});

describe('two server processes on one PostgreSQL', () => {
  it('applied each migration once although both started together', async () => {
    expect(await sql(databaseUrl, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    expect((await (await b.owner('/owner/keys')).json()) as unknown).toMatchObject({ keys: [{ provider: 'openai' }] });
  });

  it('requests_per_minute 10, 50 concurrent calls across both: exactly 10 succeed', async () => {
    const g = await grant({ requests_per_minute: 10 });
    const calls = Array.from({ length: 50 }, (_, i) => chat(i % 2 === 0 ? a : b, g));
    const statuses = await Promise.all(calls.map(async (p) => (await p).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    const [counter] = await sql<{ n: number }>(databaseUrl, 'SELECT cardinality(recent) AS n FROM counters');
    expect(counter?.n).toBe(10);
  });

  it('a spend cap is never overrun by a concurrent burst across both', async () => {
    // gpt-4o-mini output is $0.60/M tokens: max_tokens 100,000 reserves about $0.06 a call.
    const cap = 0.2;
    const g = await grant({ daily_spend: cap });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => chat(i % 2 === 0 ? a : b, g, 'spend', { max_tokens: 100_000 }).then((r) => r.status)),
    );
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 429).length).toBe(20 - ok);
    // Each call reserves ~$0.06 and costs $0.054: three fit under $0.20, a fourth never does.
    expect(ok).toBeLessThanOrEqual(3);
    const grantRows = await sql<{ id: string }>(databaseUrl, "SELECT grant_id AS id FROM usage WHERE endpoint = '/chat/completions' AND cost_usd > 0.05");
    const [spent] = await sql<{ usd: number }>(databaseUrl, 'SELECT day_spent_usd AS usd FROM counters WHERE grant_id = $1', [grantRows[0]!.id]);
    expect(spent!.usd).toBeGreaterThan(0);
    expect(spent!.usd).toBeLessThanOrEqual(cap);
  });

  it('revoking through one process cuts a stream running in the other', async () => {
    const g = await grant({});
    const openai = new OpenAI({ apiKey: g.token, baseURL: via(b, g.base), maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }], stream: true });
    const grants = (await (await a.owner('/owner/grants')).json()) as { grants: { id: string; revoked: boolean }[] };
    const live = grants.grants.filter((x) => !x.revoked);
    const revoke = async () => {
      for (const x of live) await a.owner(`/owner/grants/${x.id}`, { method: 'DELETE' });
    };
    let revoked: Promise<void> | undefined;
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        // Revoked through the other process once the stream is under way.
        if (text.length > 16 && !revoked) revoked = revoke();
      }
    })();
    await expect(reading).rejects.toThrow();
    await revoked;
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(LONG.length);
    const again = await chat(b, g);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('token_revoked');
  });

  it('SIGKILL mid-stream loses no grant and leaves no reservation after restart', async () => {
    const g = await grant({ monthly_spend: 5 });
    const response = await chat(b, g, 'slow', { stream: true });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    const held = await sql<{ id: string; amount_usd: number }>(databaseUrl, 'SELECT id, amount_usd FROM reservations');
    expect(held).toHaveLength(1);
    // Written ahead: the call's row is in the database before the process dies.
    expect(await sql(databaseUrl, 'SELECT status FROM usage WHERE id = $1', [held[0]!.id])).toEqual([{ status: 'started' }]);
    await b.kill();
    await reader.read().catch(() => undefined);
    b = await startVault(env, { port: b.port });
    expect(await sql(databaseUrl, 'SELECT id FROM reservations')).toHaveLength(0);
    // That same row, completed as interrupted and billed exactly what was reserved.
    const rows = await sql<{ id: string; status: string; cost_usd: number }>(databaseUrl, "SELECT id, status, cost_usd FROM usage WHERE status IN ('interrupted', 'started')");
    expect(rows).toEqual([{ id: held[0]!.id, status: 'interrupted', cost_usd: held[0]!.amount_usd }]);
    expect(held[0]!.amount_usd).toBeGreaterThan(0);
    const [counter] = await sql<{ usd: number }>(databaseUrl, 'SELECT month_spent_usd AS usd FROM counters c JOIN usage u ON u.grant_id = c.grant_id WHERE u.id = $1', [held[0]!.id]);
    expect(counter!.usd).toBe(held[0]!.amount_usd);
    expect((await chat(b, g)).status).toBe(200);
  });
});
