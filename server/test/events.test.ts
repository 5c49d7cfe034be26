import { LLMock } from '@copilotkit/aimock';
import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlOf, grantAccess, startVault, tempDir, type VaultProcess } from './harness';

type Json = Parameters<LLMock['onMessage']>[1];
type Opts = Parameters<LLMock['onMessage']>[2];
const REAL_KEY = 'sk-real-upstream-key-0006';
const LONG = 'word '.repeat(200);

let upstream: LLMock;
let vault: VaultProcess;
let dataDir: string;
let ownerToken: string;

/** The owner's event stream, as a queue of `{event, data}`. */
async function subscribe() {
  const controller = new AbortController();
  const response = await fetch(`${vault.url}/owner/events`, { headers: { authorization: `Bearer ${vault.ownerToken}` }, signal: controller.signal });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events: { event?: string; data: unknown }[] = [];
  const waiters: (() => void)[] = [];
  const parser = createParser({
    onEvent: (e) => {
      events.push({ event: e.event, data: JSON.parse(e.data) });
      waiters.splice(0).forEach((w) => w());
    },
  });
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // Aborted by the test.
    }
  })();
  return {
    async next(type: string) {
      for (;;) {
        const i = events.findIndex((e) => e.event === type);
        if (i >= 0) return events.splice(i, 1)[0]!.data as Record<string, unknown>;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    close: () => controller.abort(),
  };
}

beforeAll(async () => {
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('slow', { content: LONG, usage: { prompt_tokens: 5, completion_tokens: 200 } } as Json, { latency: 20, chunkSize: 8 } as Opts);
  await upstream.start();
  dataDir = tempDir('events');
  vault = await startVault({ OKAP_DATA_DIR: dataDir });
  ownerToken = vault.ownerToken!;
  await vault.owner('/owner/keys', { method: 'POST', json: { provider: 'openai', secret: REAL_KEY, base_url: `${upstream.url}/v1` } });
}, 180_000);

afterAll(async () => {
  await vault?.stop();
  await upstream?.stop();
});

describe('the owner event stream and shutdown', () => {
  it('streams new requests, decisions and revocations, and never a token', async () => {
    const events = await subscribe();
    await events.next('ready');
    const asked = await fetch(`${vault.url}/okap/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai', client: { name: 'evented' } }),
    });
    const { request_id, poll_url } = (await asked.json()) as { request_id: string; poll_url: string };
    expect(await events.next('request')).toEqual({ type: 'request', id: request_id });
    await vault.owner(`/owner/requests/${request_id}/approve`, { method: 'POST' });
    expect(await events.next('decided')).toEqual({ type: 'decided', id: request_id, status: 'granted' });
    const granted = (await (await fetch(poll_url)).json()) as { token: string };
    const [grant] = ((await (await vault.owner('/owner/grants')).json()) as { grants: { id: string }[] }).grants;
    await vault.owner(`/owner/grants/${grant!.id}`, { method: 'DELETE' });
    const revoked = await events.next('revoked');
    expect(revoked).toEqual({ type: 'revoked', grant_id: grant!.id });
    expect(JSON.stringify(revoked)).not.toContain(granted.token);
    events.close();
  });

  it('SIGTERM lets a running stream finish, settles it, then exits 0', async () => {
    const g = await grantAccess(vault, { provider: 'openai', client: { name: 'draining' } });
    const response = await fetch(`${baseUrlOf(g, 'openai')}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${g.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'slow' }] }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader.read()).value ?? '';
    const exit = vault.stop();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toContain('[DONE]');
    expect(await exit).toBe(0);
    expect(vault.stdout.join('')).toMatch(/"path":"\/v1\/openai\/chat\/completions","status":200/);
    // Settled before it stopped: the restarted vault finds no call left in flight to bill again.
    vault = await startVault({ OKAP_DATA_DIR: dataDir }, { port: vault.port });
    const { usage } = (await (await fetch(`${vault.url}/owner/usage`, { headers: { authorization: `Bearer ${ownerToken}` } })).json()) as {
      usage: { status: number | string; outputTokens: number }[];
    };
    expect(usage.filter((u) => u.status === 'interrupted')).toEqual([]);
    expect(usage.find((u) => u.status === 200)?.outputTokens).toBe(200);
  });
});
