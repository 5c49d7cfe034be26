import { LLMock } from '@copilotkit/aimock';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlOf, grantAccess, startVault, tempDir, type GrantedWire, type VaultProcess } from './harness';
import { freshDatabase, sql } from './pg';

type Json = Parameters<LLMock['onMessage']>[1];
const REAL_KEY = 'sk-real-upstream-key-0005';

let upstream: LLMock;
let vault: VaultProcess;
let databaseUrl: string;
let granted: GrantedWire;

/** Everything the owner can see, and every table's row count: what "changes nothing" compares. */
async function state() {
  const read = async (path: string) => (await vault.owner(path)).json();
  const counts = await sql(
    databaseUrl,
    `SELECT (SELECT COUNT(*) FROM provider_keys) AS keys, (SELECT COUNT(*) FROM grants) AS grants, (SELECT COUNT(*) FROM access_requests) AS requests,
            (SELECT COUNT(*) FROM rules) AS rules, (SELECT COUNT(*) FROM credentials) AS credentials, (SELECT COUNT(*) FROM pairing_codes WHERE used_at > 0) AS used_codes,
            (SELECT COUNT(*) FROM usage WHERE status = '200') AS served, (SELECT COUNT(*) FROM reservations) AS reservations`,
  );
  // A pending request's view carries a default expiry counted from now; its id and status are what matter.
  const pending = ((await read('/owner/requests')) as { requests: { id: string }[] }).requests.map((r) => r.id);
  return { keys: await read('/owner/keys'), rules: await read('/owner/rules'), grants: await read('/owner/grants'), pending, counts };
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${vault.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const owned = (path: string, body: string) => post(path, body, { authorization: `Bearer ${vault.ownerToken}` });
const chat = (token: string, headers: Record<string, string> = {}, provider = 'openai') =>
  fetch(`${vault.url}/v1/${provider}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
  });

/** Runs `act`, checks its error, and checks that the vault's state did not move. */
async function refused(act: () => Promise<Response>, status: number, error: Record<string, unknown>) {
  const before = await state();
  const response = await act();
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject(error);
  expect(await state()).toEqual(before);
}

beforeAll(async () => {
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 12, completion_tokens: 6 } } as Json);
  await upstream.start();
  databaseUrl = await freshDatabase('bad');
  vault = await startVault({
    DATABASE_URL: databaseUrl,
    OKAP_OWNER_TOKEN: `given-owner-${randomBytes(12).toString('hex')}`,
    OKAP_DATA_DIR: tempDir('bad'),
  });
  await vault.owner('/owner/keys', { method: 'POST', json: { provider: 'openai', secret: REAL_KEY, base_url: `${upstream.url}/v1` } });
  granted = await grantAccess(vault, { provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'app' } });
}, 180_000);

afterAll(async () => {
  await vault?.stop();
  await upstream?.stop();
});

describe('bad input gets a clear error and changes nothing', () => {
  it('never prints an owner token given through OKAP_OWNER_TOKEN', () => {
    expect(vault.stderr.join('')).not.toMatch(/Owner token/);
    expect(vault.stdout.join('') + vault.stderr.join('')).not.toContain(vault.ownerToken!);
  });

  it('malformed JSON', async () => {
    await refused(() => owned('/owner/keys', '{"provider": "openai",'), 400, { error: { code: 'invalid_json' } });
    await refused(() => post('/okap/authorize', '{nope'), 400, { error: { code: 'invalid_json' } });
  });

  it('unknown fields where they are not allowed, and unknown values, naming them', async () => {
    await refused(() => owned('/owner/keys', JSON.stringify({ provider: 'openai', secret: 'sk-abcdefghijkl', colour: 'red' })), 400, {
      error: { code: 'invalid_request', message: expect.stringContaining('colour') },
    });
    await refused(
      () => post('/okap/authorize', JSON.stringify({ okap: '1.0', authorization_details: [{ type: 'api_access', provider: 'openai' }], client: { name: 'x' } })),
      400,
      { error: { code: 'invalid_request', path: 'authorization_details[0].type' } },
    );
  });

  it('oversized bodies', async () => {
    await refused(() => post('/okap/authorize', JSON.stringify({ provider: 'openai', reason: 'x'.repeat(70_000) })), 413, { error: { code: 'body_too_large' } });
  });

  it('unknown or malformed providers', async () => {
    await refused(() => owned('/owner/keys', JSON.stringify({ provider: 'Open AI!', secret: 'sk-abcdefghijkl' })), 400, { error: { path: 'provider' } });
    await refused(() => owned('/owner/keys', JSON.stringify({ provider: 'mystery', secret: 'sk-abcdefghijkl' })), 400, { error: { path: 'base_url' } });
    // In the provider's own error shape (here Anthropic's), so its SDK raises its own error.
    await refused(() => chat(granted.token, {}, 'anthropic'), 403, { type: 'error', error: { okap_error: 'provider_not_granted' } });
    await refused(() => post('/okap/request', JSON.stringify({ provider: 'groq', app_name: 'x' })), 200, { approved: false, error_code: 'invalid_request' });
  });

  it('a made-up token, and a revoked one even when it is also over its rate limit', async () => {
    await refused(() => chat(`okap_${'A'.repeat(43)}`), 401, { error: { code: 'token_invalid' } });
    const limited = await grantAccess(vault, { provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'limited' } }, { limits: { requests_per_minute: 1 } });
    expect((await chat(limited.token)).status).toBe(200);
    expect((await chat(limited.token)).status).toBe(429);
    const grants = (await (await vault.owner('/owner/grants')).json()) as { grants: { id: string; client: { name: string } }[] };
    const id = grants.grants.find((g) => g.client.name === 'limited')!.id;
    expect((await vault.owner(`/owner/grants/${id}`, { method: 'DELETE' })).status).toBe(204);
    await refused(() => chat(limited.token), 401, { error: { code: 'token_revoked' } });
    await refused(() => vault.owner(`/owner/grants/${id}`, { method: 'DELETE' }), 404, { error: { code: 'not_found' } });
  });

  it('an approval that adds a model the app did not ask for is refused and the request stays pending', async () => {
    const asked = await post('/okap/authorize', JSON.stringify({ provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'narrow' } }));
    const { request_id } = (await asked.json()) as { request_id: string };
    await refused(() => owned(`/owner/requests/${request_id}/approve`, JSON.stringify({ models: ['gpt-4o'] })), 400, { error: { code: 'invalid_input' } });
    await refused(() => owned(`/owner/requests/${request_id}/approve`, JSON.stringify({ limits: { requests_per_minute: -1 } })), 400, {
      error: { code: 'invalid_request', path: 'limits.requests_per_minute' },
    });
    expect((await owned(`/owner/requests/${request_id}/deny`, '')).status).toBe(200);
    await refused(() => owned(`/owner/requests/${request_id}/approve`, ''), 404, { error: { code: 'not_found' } });
  });

  it('a token granted to a browser origin works only from that origin; one granted to a script is not bound', async () => {
    const asked = await post('/okap/authorize', JSON.stringify({ provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'web' } }), { origin: 'https://app.example' });
    const { request_id, poll_url } = (await asked.json()) as { request_id: string; poll_url: string };
    await owned(`/owner/requests/${request_id}/approve`, '');
    const web = (await (await fetch(`${poll_url}?wait=5`)).json()) as GrantedWire;
    expect(baseUrlOf(web, 'openai')).toBe(`${vault.url}/v1/openai`);
    expect((await chat(web.token, { origin: 'https://app.example' })).status).toBe(200);
    await refused(() => chat(web.token, { origin: 'https://evil.example' }), 401, { error: { code: 'origin_mismatch' } });
    await refused(() => chat(web.token), 401, { error: { code: 'origin_mismatch' } });
    expect((await chat(granted.token, { origin: 'https://anywhere.example' })).status).toBe(200);
  });

  it('a delivered token is handed out once: polling again is refused', async () => {
    const asked = await post('/okap/authorize', JSON.stringify({ provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'once' } }));
    const { request_id, poll_url } = (await asked.json()) as { request_id: string; poll_url: string };
    await owned(`/owner/requests/${request_id}/approve`, '');
    expect((await fetch(poll_url)).status).toBe(200);
    await refused(() => fetch(poll_url), 410, { error: { code: 'not_found' } });
    await refused(() => fetch(`${vault.url}/okap/requests/nope?wait=999`), 400, { error: { path: 'wait' } });
  });

  it('owner calls without a valid token get 401 and reveal nothing', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${vault.ownerToken}` }]) {
      const before = await state();
      const response = await fetch(`${vault.url}/owner/keys`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: 'An owner or device token is required' } });
      expect(await state()).toEqual(before);
    }
  });

  it('pairing: a code gives one device token; a reused or expired code is refused', async () => {
    const { code } = (await (await vault.owner('/owner/pairing-codes', { method: 'POST' })).json()) as { code: string };
    const paired = await post('/pair', JSON.stringify({ code, device_name: 'Laptop' }));
    expect(paired.status).toBe(201);
    const device = (await paired.json()) as { device_id: string; token: string };
    expect((await fetch(`${vault.url}/owner/grants`, { headers: { authorization: `Bearer ${device.token}` } })).status).toBe(200);
    await refused(() => post('/pair', JSON.stringify({ code, device_name: 'Again' })), 400, { error: { code: 'code_used', path: 'code' } });
    const second = (await (await vault.owner('/owner/pairing-codes', { method: 'POST' })).json()) as { code: string };
    await sql(databaseUrl, 'UPDATE pairing_codes SET expires_at = 0 WHERE used_at = 0');
    await refused(() => post('/pair', JSON.stringify({ code: second.code, device_name: 'Late' })), 400, { error: { code: 'code_expired' } });
    expect((await vault.owner(`/owner/devices/${device.device_id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${vault.url}/owner/grants`, { headers: { authorization: `Bearer ${device.token}` } })).status).toBe(401);
  });

  // Last: it blocks this address for a minute.
  it('throttles guessing: after 10 failures even the right owner token waits', async () => {
    // Earlier tests spent some of this address's ten failures: guesses get 401 until the limit, then 429.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${vault.url}/owner/keys`, { headers: { authorization: `Bearer guess-${i}` } })).status);
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const blocked = await vault.owner('/owner/keys');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post('/pair', JSON.stringify({ code: 'ABCDEFGHJK', device_name: 'x' }))).status).toBe(429);
  });

  it('throttles access requests: at most 60 a minute from one address reach the owner', async () => {
    const before = Number((await sql<{ n: number }>(databaseUrl, 'SELECT COUNT(*) AS n FROM access_requests'))[0]!.n);
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) statuses.push((await post('/okap/authorize', JSON.stringify({ provider: 'openai', client: { name: `flood ${i}` } }))).status);
    expect(statuses.at(-1)).toBe(429);
    const after = Number((await sql<{ n: number }>(databaseUrl, 'SELECT COUNT(*) AS n FROM access_requests'))[0]!.n);
    expect(after - before).toBe(statuses.filter((s) => s === 202).length);
    expect(after - before).toBeLessThanOrEqual(60);
  });
});
