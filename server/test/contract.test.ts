/**
 * One set of proxy cases, run against the extension's handler (lib/proxy's `handle` with the
 * in-memory ports the background worker's are modelled on) and against the vault server's HTTP
 * endpoint (a running process over SQL): enforcement, error shapes, streaming, revocation and
 * metering must read the same to an app on both.
 */
import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Limits } from '../../lib/protocol';
import { handle } from '../../lib/proxy';
import { makeGrant, makeKit, ORIGIN, REAL_KEY, type Kit } from '../../lib/proxy/test-kit';
import type { UsageRow } from '../../lib/usage/types';
import { baseUrlOf, grantAccess, startVault, tempDir, type VaultProcess } from './harness';

type Json = Parameters<LLMock['onMessage']>[1];
type Opts = Parameters<LLMock['onMessage']>[2];
const LONG = 'word '.repeat(200);

interface Granted {
  token: string;
  baseUrl: string;
  id: string;
}

interface Target {
  start(upstreamUrl: string): Promise<void>;
  stop(): Promise<void>;
  grant(provider: string, models: string[], limits?: Limits): Promise<Granted>;
  call(url: string, init: RequestInit): Promise<Response>;
  revoke(g: Granted): Promise<void>;
  usage(g: Granted): Promise<UsageRow[]>;
}

function extensionTarget(): Target {
  let kit: Kit;
  return {
    async start(upstreamUrl) {
      kit = makeKit(upstreamUrl);
    },
    async stop() {},
    async grant(provider, models, limits) {
      const grant = makeGrant([{ provider, models, ...(limits ? { limits } : {}) }]);
      return { token: kit.grant(grant), baseUrl: `https://okap.invalid/v1/${provider}`, id: grant.id };
    },
    call: (url, init) => handle(new Request(url, init), { origin: ORIGIN }, kit.deps),
    async revoke(g) {
      kit.grants.get(g.token)!.revokedAt = kit.clock.now;
      kit.hub.revoke(g.id);
    },
    async usage(g) {
      await kit.ledger.flush();
      return kit.usage.rows.filter((r) => r.grantId === g.id);
    },
  };
}

function serverTarget(): Target {
  let vault: VaultProcess;
  let n = 0;
  return {
    async start(upstreamUrl) {
      vault = await startVault({ OKAP_DATA_DIR: tempDir('contract') });
      for (const [provider, base_url] of [
        ['openai', `${upstreamUrl}/v1`],
        ['anthropic', upstreamUrl],
        ['google', upstreamUrl],
      ]) {
        await vault.owner('/owner/keys', { method: 'POST', json: { provider, secret: REAL_KEY, base_url } });
      }
    },
    stop: async () => void (await vault?.stop()),
    async grant(provider, models, limits) {
      const name = `contract ${++n}`;
      const g = await grantAccess(vault, { provider, models, client: { name } }, limits ? { limits } : {});
      const { grants } = (await (await vault.owner('/owner/grants')).json()) as { grants: { id: string; client: { name: string } }[] };
      return { token: g.token, baseUrl: baseUrlOf(g, provider), id: grants.find((x) => x.client.name === name)!.id };
    },
    call: (url, init) => fetch(url, init),
    async revoke(g) {
      expect((await vault.owner(`/owner/grants/${g.id}`, { method: 'DELETE' })).status).toBe(204);
    },
    async usage(g) {
      // Rows are written as calls settle; give the last one a moment.
      await new Promise((r) => setTimeout(r, 200));
      const { usage } = (await (await vault.owner('/owner/usage')).json()) as { usage: UsageRow[] };
      return usage.filter((r) => r.grantId === g.id);
    },
  };
}

const chat = (t: Target, g: Granted, content = 'hello', extra: Record<string, unknown> = {}) =>
  t.call(`${g.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${g.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...extra }),
  });

let upstream: LLMock;

beforeAll(async () => {
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('hello', { content: 'Hi there', usage: { prompt_tokens: 12, completion_tokens: 6 } } as Json);
  upstream.onMessage('slow', { content: LONG }, { latency: 20, chunkSize: 8 } as Opts);
  await upstream.start();
});
afterAll(async () => upstream?.stop());

describe.each([
  ['the extension handler', extensionTarget()],
  ['the vault server over HTTP', serverTarget()],
] as const)('proxy contract: %s', (_name, t) => {
  beforeAll(() => t.start(upstream.url), 180_000);
  afterAll(() => t.stop());

  it('enforcement: a model outside the grant is 403 model_not_granted in OpenAI’s error shape', async () => {
    const g = await t.grant('openai', ['gpt-4o-mini']);
    const response = await chat(t, g, 'hello', { model: 'gpt-4o' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { message: expect.any(String), type: 'model_not_granted', code: 'model_not_granted', param: null } });
  });

  it('enforcement: requests_per_minute 2 admits two, then 429 rate_limited with retry-after', async () => {
    const g = await t.grant('openai', ['gpt-4o-mini'], { requests_per_minute: 2 });
    expect((await chat(t, g)).status).toBe(200);
    expect((await chat(t, g)).status).toBe(200);
    const third = await chat(t, g);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await third.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('error shapes: a made-up token is 401 in Anthropic’s shape', async () => {
    const g = await t.grant('anthropic', ['claude-sonnet-4-5']);
    const response = await t.call(`${g.baseUrl}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': `okap_${'Z'.repeat(43)}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', okap_error: 'token_invalid' } });
  });

  it('streaming: an SSE answer arrives whole, ending in [DONE]', async () => {
    const g = await t.grant('openai', ['gpt-4o-mini']);
    const response = await chat(t, g, 'hello', { stream: true });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toContain('Hi');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('revocation: a running stream is cut and the token is refused as token_revoked', async () => {
    const g = await t.grant('openai', ['gpt-4o-mini']);
    const response = await chat(t, g, 'slow', { stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    await t.revoke(g);
    let cut = false;
    let received = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.length;
      }
    } catch {
      cut = true;
    }
    expect(cut || received < LONG.length).toBe(true);
    const again = await chat(t, g);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: { code: 'token_revoked' } });
  });

  it('metering: a call leaves one row with its tokens and a cost', async () => {
    const g = await t.grant('openai', ['gpt-4o-mini']);
    const response = await chat(t, g);
    expect(response.status).toBe(200);
    // The row is written when the answer's body has been read to its end.
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: 'Hi there' } }] });
    const rows = await t.usage(g);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, provider: 'openai', model: 'gpt-4o-mini', endpoint: '/chat/completions', inputTokens: 12, outputTokens: 6 });
    expect(rows[0]!.costUsd).toBeGreaterThan(0);
  });
});
