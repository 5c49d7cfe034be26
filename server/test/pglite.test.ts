import { LLMock } from '@copilotkit/aimock';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlOf, grantAccess, startVault, tempDir, type GrantedWire, type VaultProcess } from './harness';

type Json = Parameters<LLMock['onMessage']>[1];
const REAL_KEY = 'sk-real-upstream-key-PLAINTEXT-0004';

let upstream: LLMock;
let vault: VaultProcess;
let dataDir: string;
let granted: GrantedWire;
let firstOwnerToken: string;
let firstRun: { stdout: string; stderr: string };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const chat = (g: GrantedWire) =>
  new OpenAI({ apiKey: g.token, baseURL: baseUrlOf(g, 'openai'), maxRetries: 0 }).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello' }],
  });

beforeAll(async () => {
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 12, completion_tokens: 6 } } as Json);
  await upstream.start();
  dataDir = tempDir('pglite');
  vault = await startVault({ OKAP_DATA_DIR: dataDir }, { npm: true });
  firstOwnerToken = vault.ownerToken!;
  await vault.owner('/owner/keys', { method: 'POST', json: { provider: 'openai', secret: REAL_KEY, base_url: `${upstream.url}/v1`, label: 'main' } });
  await vault.owner('/owner/rules', {
    method: 'POST',
    json: { client_name: 'Trusted CLI', provider: 'openai', models: ['gpt-4o-mini'], limits: { requests_per_day: 100 } },
  });
  granted = await grantAccess(vault, { provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'restart app' } });
  await chat(granted);
  await chat(granted);
}, 180_000);

afterAll(async () => {
  await vault?.stop();
  await upstream?.stop();
});

describe('npm run vault on PGlite (the command itself, stopped with SIGTERM)', () => {
  it('prints a generated owner token on first start, which opens the owner API', async () => {
    expect(firstOwnerToken).toMatch(/^okapo_[A-Za-z0-9_-]{43}$/);
    expect((await vault.owner('/owner/keys')).status).toBe(200);
    expect((await fetch(`${vault.url}/healthz`)).status).toBe(200);
  });

  it('an auto-approve rule grants at once (200) with its limits', async () => {
    const response = await fetch(`${vault.url}/okap/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'Trusted CLI' } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as GrantedWire;
    expect(body.authorization_details[0]).toMatchObject({ limits: { requests_per_day: 100 }, base_url: `${vault.url}/v1/openai` });
    expect((await chat(body)).choices[0]?.message.content).toBe('Hi');
  });

  it('stops cleanly on SIGTERM, restarts with keys, grants, rules and usage, and the token keeps working', async () => {
    expect(await vault.stop()).toBe(0);
    firstRun = { stdout: vault.stdout.join(''), stderr: vault.stderr.join('') };
    // The same address: the grants' base_url names it.
    vault = await startVault({ OKAP_DATA_DIR: dataDir }, { port: vault.port, npm: true });
    // The first start's token still works; no new one is printed.
    expect(vault.ownerToken).toBeUndefined();
    const owner = (path: string) => fetch(`${vault.url}${path}`, { headers: { authorization: `Bearer ${firstOwnerToken}` } }).then((r) => r.json());
    expect(await owner('/owner/keys')).toMatchObject({ keys: [{ provider: 'openai', label: 'main', mask: 'sk-…0004' }] });
    expect(((await owner('/owner/rules')) as { rules: unknown[] }).rules).toHaveLength(1);
    expect(((await owner('/owner/grants')) as { grants: unknown[] }).grants).toHaveLength(2);
    const usage = (await owner('/owner/usage')) as { usage: { status: number }[] };
    expect(usage.usage.filter((u) => u.status === 200)).toHaveLength(3);
    expect((await chat(granted)).choices[0]?.message.content).toBe('Hi');
  });

  it('keeps no provider key, OKAP token or owner token in plaintext in the data directory, and logs none', async () => {
    await vault.stop();
    const secrets = [REAL_KEY, granted.token, firstOwnerToken];
    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of secrets) expect(bytes.includes(secret), `${secret.slice(0, 8)}… in ${file}`).toBe(false);
    }
    const keyFile = join(dataDir, 'server.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // The log lines (stdout) of both runs; the terminal (stderr) showed the owner token once, on the first.
    const logs = firstRun.stdout + vault.stdout.join('');
    for (const secret of secrets) expect(logs.includes(secret)).toBe(false);
    expect(firstRun.stderr.split(firstOwnerToken)).toHaveLength(2);
    for (const secret of secrets) expect(vault.stderr.join('').includes(secret)).toBe(false);
    expect(firstRun.stderr.includes(REAL_KEY) || firstRun.stderr.includes(granted.token)).toBe(false);
    expect(logs).toMatch(/"path":"\/v1\/openai\/chat\/completions","status":200,"latency_ms":[\d.]+,"grant_id":"[0-9a-f-]{36}"/);
    // A pending request's id fetches its token once approved: the log names only the route.
    expect(logs).toContain('"path":"/okap/requests/:id"');
    expect(logs).not.toMatch(/\/okap\/requests\/[0-9a-f]{8}-/);
  });
});
