import { LLMock } from '@copilotkit/aimock';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlOf, grantAccess, startVault, tempDir, type VaultProcess } from './harness';

type Json = Parameters<LLMock['onMessage']>[1];
const REAL_KEY = 'sk-real-upstream-key-0003';
const run = promisify(execFile);
const VENV = resolve(import.meta.dirname, '../../node_modules/.cache/okap-python');
const PY = `${VENV}/bin/python`;
const script = (name: string) => resolve(import.meta.dirname, 'python', name);

let upstream: LLMock;
let vault: VaultProcess;

/** A virtual environment with the official openai package, from the machine's package index. */
function ensureVenv(): void {
  if (existsSync(PY) && spawnSync(PY, ['-c', 'import openai']).status === 0) return;
  const made = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`python3 -m venv failed: ${made.stderr}`);
  // No retries: an index this machine cannot reach fails at once and the reachable ones answer.
  const pip = spawnSync(`${VENV}/bin/pip`, ['install', '-q', 'openai'], {
    encoding: 'utf8',
    env: { ...process.env, PIP_RETRIES: '0', PIP_DISABLE_PIP_VERSION_CHECK: '1' },
  });
  if (pip.status !== 0) throw new Error(`pip install openai failed: ${pip.stderr}`);
}

async function pendingIds(): Promise<string[]> {
  const list = (await (await vault.owner('/owner/requests')).json()) as { requests: { id: string }[] };
  return list.requests.map((r) => r.id);
}

async function waitForPending(): Promise<string> {
  for (;;) {
    const [id] = await pendingIds();
    if (id) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface SdkAnswer {
  status: number;
  body: { approved: boolean; token?: { token: string; base_url: string; provider: string; models: string[]; limits: Record<string, number> }; error_code?: string };
}

const ask = async (name: string): Promise<SdkAnswer> => JSON.parse((await run(PY, [script('okap_request.py'), vault.url, name])).stdout) as SdkAnswer;

beforeAll(async () => {
  ensureVenv();
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('hello', { content: 'Hi from the provider', usage: { prompt_tokens: 12, completion_tokens: 6 } } as Json);
  // The README's example says "Hi".
  upstream.onMessage('Hi', { content: 'Hello from the README', usage: { prompt_tokens: 3, completion_tokens: 4 } } as Json);
  await upstream.start();
  vault = await startVault({ OKAP_DATA_DIR: tempDir('python'), OKAP_APPROVAL_WAIT_S: '6' });
  await vault.owner('/owner/keys', { method: 'POST', json: { provider: 'openai', secret: REAL_KEY, base_url: `${upstream.url}/v1` } });
}, 300_000);

afterAll(async () => {
  await vault?.stop();
  await upstream?.stop();
});

describe('Python clients of the running vault', () => {
  it('the official openai package: chat and streaming with only api_key and base_url', async () => {
    const granted = await grantAccess(vault, { provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'py' } });
    const { stdout } = await run(PY, [script('chat.py')], {
      env: { ...process.env, OKAP_TOKEN: granted.token, OKAP_BASE_URL: baseUrlOf(granted, 'openai') },
    });
    expect(JSON.parse(stdout)).toEqual({ reply: 'Hi from the provider', streamed: 'Hi from the provider', refused: 'PermissionDeniedError' });
  });

  it('/okap/request holds the request open; the owner approves; the client gets its token and uses it', async () => {
    const answer = ask('Held app');
    const id = await waitForPending();
    const approved = await vault.owner(`/owner/requests/${id}/approve`, { method: 'POST', json: { limits: { monthly_spend: 2 } } });
    expect(approved.status).toBe(200);
    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body.approved).toBe(true);
    expect(body.token).toMatchObject({ provider: 'openai', models: ['gpt-4o-mini'], base_url: `${vault.url}/v1/openai`, limits: { monthly_spend: 2 } });
    const { stdout } = await run(PY, [script('chat.py')], { env: { ...process.env, OKAP_TOKEN: body.token!.token, OKAP_BASE_URL: body.token!.base_url } });
    expect(JSON.parse(stdout)).toMatchObject({ reply: 'Hi from the provider' });
  });

  it('the README’s Python example works as written (but for the port)', async () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const example = /```python\n(import json, urllib[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const code = example!.replaceAll('http://127.0.0.1:8787', vault.url);
    const running = run(PY, ['-c', code]);
    // A script that fails before asking would otherwise leave this waiting.
    const id = await Promise.race([waitForPending(), running.then(() => Promise.reject(new Error('the example ended before the approval')))]);
    expect((await vault.owner(`/owner/requests/${id}/approve`, { method: 'POST' })).status).toBe(200);
    expect((await running).stdout.trim()).toBe('Hello from the README');
  });

  it('a denial is HTTP 200 approved:false user_denied', async () => {
    const answer = ask('Denied app');
    const id = await waitForPending();
    expect((await vault.owner(`/owner/requests/${id}/deny`, { method: 'POST' })).status).toBe(200);
    expect(await answer).toEqual({ status: 200, body: { okap: '1.0', approved: false, error: expect.any(String), error_code: 'user_denied' } });
  });

  it('no decision in time: approval_pending; an approval given later goes to the next identical request', async () => {
    const first = await ask('Late app');
    expect(first.body).toMatchObject({ approved: false, error_code: 'approval_pending' });
    const id = await waitForPending();
    expect((await vault.owner(`/owner/requests/${id}/approve`, { method: 'POST' })).status).toBe(200);
    const second = await ask('Late app');
    expect(second.body.approved).toBe(true);
    expect(second.body.token?.token).toMatch(/^okap_/);
    expect(await pendingIds()).toEqual([]);
  });
});
