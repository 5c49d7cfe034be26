import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type ExtensionBrowser } from '../support/browser';
import { addKey, approvalWindow, approve, createVault } from '../support/flows';
import { aria, clickButton, find, pageText, selectOption, typeInto, waitUntil } from '../support/pages';
import { storeRows as rowsOf } from '../support/storage';
import { browserName } from '../support/suite';
import { buildSdkApp } from '../support/sdk-app';
import { serveStatic } from '../support/site';
import { startUpstream } from '../support/upstream';

const REAL_KEY = 'sk-real-upstream-key-0123456789abcdefXYZ';
const LONG = 'The quick brown fox jumps over the lazy dog. '.repeat(8);

let ext: ExtensionBrowser;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let site: Awaited<ReturnType<typeof serveStatic>>;
let app: Page;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDKs live in the page; results come back as JSON checked with expect
type Json = any;
interface PageWindow {
  okap: { requestAccess(r: unknown): Promise<Json>; revoke(t: string): Promise<boolean>; fetch: typeof fetch };
  sdk: {
    clients: Record<'openai' | 'anthropic' | 'google', (grant: Json) => Json>;
    describeError(e: unknown): Json;
  };
  grants: Record<string, Json>;
}

/** Asks for access from the app page and approves it as prefilled; the grant is kept in the page under `name`. */
async function grant(page: Page, name: string, request: unknown): Promise<Json> {
  const pending = page.evaluate(
    async (n, r) => {
      const w = window as unknown as PageWindow;
      w.grants ??= {};
      w.grants[n] = await w.okap.requestAccess(r);
      return w.grants[n];
    },
    name,
    request as Json,
  );
  await approve(await approvalWindow(ext));
  return pending;
}

/** Everything in one IndexedDB store of the extension. */
const storeRows = (store: string) => rowsOf<Json>(ext, store);

beforeAll(async () => {
  upstream = await startUpstream([REAL_KEY]);
  upstream.onMessage('hello', { content: 'Hi there from the provider', usage: { prompt_tokens: 12, completion_tokens: 6 } } as Json);
  upstream.onMessage('slow', { content: LONG }, { latency: 40, chunkSize: 8 } as Json);
  upstream.onMessage('spend', { content: 'costly answer', usage: { prompt_tokens: 20, completion_tokens: 4000 } } as Json);
  upstream.onMessage('break', { content: LONG }, { chunkSize: 5, latency: 10, disconnectAfterMs: 80 } as Json);
  upstream.onMessage('explode', { error: { message: 'upstream exploded', type: 'server_error' }, status: 500 } as Json);
  upstream.onMessage('busy', { error: { message: 'slow down', type: 'rate_limit_error' }, status: 429 } as Json);
  upstream.onEmbedding('embed me', { embedding: [0.1, 0.2, 0.3] } as Json);
  site = await serveStatic(await buildSdkApp());
  ext = await launch();
  const options = await createVault(ext, 'violet harbor lantern 42');
  await addKey(options, { kind: 'openai', label: 'OpenAI via mock', secret: REAL_KEY, baseUrl: `${upstream.url}/v1` });
  await addKey(options, { kind: 'anthropic', label: 'Claude via mock', secret: REAL_KEY, baseUrl: upstream.url });
  await addKey(options, { kind: 'google', label: 'Gemini via mock', secret: REAL_KEY, baseUrl: upstream.url });
  await options.close();
  app = await ext.newTab();
  await app.goto(`${site.origin}/`);
  await waitUntil(app, () => 'okap' in window && 'sdk' in window);
  await grant(app, 'main', {
    okap: '1.0',
    client: { name: 'SDK app', url: site.origin },
    authorization_details: [
      { type: 'ai_model_access', provider: 'openai', models: ['gpt-4o-mini', 'text-embedding-3-small'] },
      { type: 'ai_model_access', provider: 'anthropic', models: ['claude-sonnet-4-5'] },
      { type: 'ai_model_access', provider: 'google', models: ['gemini-2.5-flash'] },
    ],
  });
}, 180_000);

afterAll(async () => {
  await ext?.close();
  await upstream?.stop();
  await site?.close();
});

describe(`the official SDKs through window.okap.fetch in ${browserName}`, () => {
  it('OpenAI: chat, streaming chat, embeddings and a filtered model list', async () => {
    const out = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const openai = w.sdk.clients.openai(w.grants.main);
      const chat = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
      let streamed = '';
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hello' }] });
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
      const embedding = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'embed me', encoding_format: 'float' });
      const models = [];
      for await (const model of openai.models.list()) models.push(model.id);
      return { text: chat.choices[0].message.content, streamed, vector: embedding.data[0].embedding.length, models };
    });
    expect(out.text).toBe('Hi there from the provider');
    expect(out.streamed).toBe('Hi there from the provider');
    expect(out.vector).toBeGreaterThan(0);
    expect(out.models.every((m: string) => ['gpt-4o-mini', 'text-embedding-3-small'].includes(m))).toBe(true);
  });

  it('Anthropic and Gemini: plain and streaming', async () => {
    const out = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const claude = w.sdk.clients.anthropic(w.grants.main);
      const message = await claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
      let claudeStream = '';
      const stream = claude.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
      for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') claudeStream += event.delta.text;
      const gemini = w.sdk.clients.google(w.grants.main);
      const answer = await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello' });
      let geminiStream = '';
      for await (const chunk of await gemini.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hello' })) geminiStream += chunk.text ?? '';
      return { claude: message.content[0].text, claudeStream, gemini: answer.text, geminiStream };
    });
    expect(out).toEqual({
      claude: 'Hi there from the provider',
      claudeStream: 'Hi there from the provider',
      gemini: 'Hi there from the provider',
      geminiStream: 'Hi there from the provider',
    });
  });

  it('the real key arrived upstream, the token did not, and the page never saw the key', async () => {
    // The upstream accepts REAL_KEY and nothing else (it answers 401 to any other key), and redacts
    // the auth header in its journal: every journaled call it served was made with the real key.
    const journal = upstream.getRequests();
    expect(journal.filter((entry) => entry.response.status === 200).length).toBeGreaterThan(5);
    expect(journal.some((entry) => entry.response.status === 401)).toBe(false);
    const token = (await app.evaluate(() => (window as unknown as PageWindow).grants.main.token)) as string;
    expect(JSON.stringify(journal)).not.toContain(token);
    expect(JSON.stringify(journal)).not.toContain('okap_');
    const seen = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const response = await w.okap.fetch(`${w.grants.main.authorization_details[0].base_url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.grants.main.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
      });
      return JSON.stringify([...response.headers]) + (await response.text()) + document.documentElement.outerHTML;
    });
    expect(seen).not.toContain(REAL_KEY);
  });

  it('streamed chunks reach the page while the upstream is still sending', async () => {
    const arrivals = (await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const openai = w.sdk.clients.openai(w.grants.main);
      const times: number[] = [];
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'slow' }] });
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) times.push(performance.now());
      return times;
    })) as number[];
    // The upstream sends a chunk every 40 ms: the first must arrive long before the last.
    expect(arrivals.length).toBeGreaterThan(10);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(200);
  });

  it('a model outside the grant raises the SDK’s PermissionDeniedError', async () => {
    const error = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      try {
        await w.sdk.clients.openai(w.grants.main).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
        return 'no error';
      } catch (e) {
        return w.sdk.describeError(e);
      }
    });
    expect(error).toMatchObject({ error: 'PermissionDeniedError', status: 403 });
    expect(error.code).toBe('model_not_granted');
  });

  it('refuses any URL outside the vault host and sends it nowhere', async () => {
    const before = upstream.getRequests().length;
    const message = await app.evaluate(async (url) => {
      try {
        await (window as unknown as PageWindow).okap.fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{}' });
        return 'sent';
      } catch (e) {
        return (e as Error).message;
      }
    }, upstream.url);
    expect(message).toContain('only reaches https://okap.invalid/v1/');
    expect(upstream.getRequests().length).toBe(before);
  });

  it('requests per minute 10 with 50 concurrent calls: exactly 10 succeed, the rest get RateLimitError', async () => {
    await grant(app, 'rpm', { provider: 'openai', models: ['gpt-4o-mini'], limits: { requests_per_minute: 10 } });
    const outcomes = (await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const openai = w.sdk.clients.openai(w.grants.rpm);
      const calls = Array.from({ length: 50 }, () =>
        openai.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
          .then(() => 'ok', (e: unknown) => w.sdk.describeError(e).error),
      );
      return Promise.all(calls);
    })) as string[];
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'RateLimitError')).toHaveLength(40);
  });

  it('a $0.01 monthly limit stops calls once spent, and concurrent calls never overrun it', async () => {
    const spend = await grant(app, 'spend', { provider: 'openai', models: ['gpt-4o-mini'], limits: { monthly_spend: 0.01 } });
    const outcomes = (await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const openai = w.sdk.clients.openai(w.grants.spend);
      const call = () =>
        openai.chat.completions
          .create({ model: 'gpt-4o-mini', max_tokens: 4000, messages: [{ role: 'user', content: 'spend' }] })
          .then(() => 'ok', (e: unknown) => w.sdk.describeError(e));
      const burst = await Promise.all(Array.from({ length: 10 }, call));
      const after = await call();
      return [...burst, after];
    })) as Json[];
    const ok = outcomes.filter((o) => o === 'ok').length;
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(outcomes.length);
    const refusal = outcomes.at(-1);
    expect(refusal).toMatchObject({ error: 'RateLimitError', status: 429 });
    expect(refusal.code).toBe('budget_exhausted');
    // The ledger: what the grant was billed never exceeds its limit.
    const grantId = (await storeRows('grants')).find((g) => g.tokenHash && g.details[0].limits?.monthly_spend === 0.01)?.id;
    const billed = (await storeRows('usage')).filter((row) => row.grantId === grantId).reduce((sum, row) => sum + (row.costUsd ?? 0), 0);
    expect(billed).toBeGreaterThan(0);
    expect(billed).toBeLessThanOrEqual(0.01);
    expect(spend.authorization_details[0].limits.monthly_spend).toBe(0.01);
  });

  it('revoking stops a running stream and the next call fails with token_revoked', async () => {
    await grant(app, 'doomed', { provider: 'openai', models: ['gpt-4o-mini'] });
    const out = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const openai = w.sdk.clients.openai(w.grants.doomed);
      const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'slow' }] });
      let text = '';
      let streamError: Json = null;
      try {
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta?.content ?? '';
          if (text.length > 20 && text.length < 40) void w.okap.revoke(w.grants.doomed.token);
        }
      } catch (e) {
        streamError = w.sdk.describeError(e);
      }
      let next: Json = 'no error';
      try {
        await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
      } catch (e) {
        next = w.sdk.describeError(e);
      }
      return { length: text.length, streamError, next };
    });
    expect(out.length).toBeLessThan(LONG.length);
    expect(out.next).toMatchObject({ error: 'AuthenticationError', status: 401 });
    expect(out.next.code).toBe('token_revoked');
  });

  it('after the background restarts, the same page and token keep working, still unlocked', async () => {
    await ext.restartBackground();
    const out = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      let streamed = '';
      const stream = await w.sdk.clients.openai(w.grants.main).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hello' }] });
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
      return streamed;
    });
    expect(out).toBe('Hi there from the provider');
  });

  it('the token used from another origin gets 401', async () => {
    const token = await app.evaluate(() => (window as unknown as PageWindow).grants.main);
    const other = await ext.newTab();
    await other.goto(`${site.otherOrigin}/`);
    await waitUntil(other, () => 'sdk' in window);
    const error = await other.evaluate(async (stolen) => {
      const w = window as unknown as PageWindow;
      try {
        await w.sdk.clients.openai(stolen).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
        return 'no error';
      } catch (e) {
        return w.sdk.describeError(e);
      }
    }, token);
    expect(error).toMatchObject({ error: 'AuthenticationError', status: 401 });
    await other.close();
  });

  it('upstream chaos (500, 429, a cut stream) gives the SDK’s own errors and leaves the ledger consistent', async () => {
    const out = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const openai = w.sdk.clients.openai(w.grants.main);
      const attempt = async (content: string, stream = false) => {
        try {
          const result = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content }] });
          if (stream) for await (const _ of result as AsyncIterable<unknown>) void _;
          return 'ok';
        } catch (e) {
          return w.sdk.describeError(e);
        }
      };
      return { explode: await attempt('explode'), busy: await attempt('busy'), cut: await attempt('break', true) };
    });
    expect(out.explode).toMatchObject({ error: 'InternalServerError', status: 500 });
    expect(out.busy).toMatchObject({ error: 'RateLimitError', status: 429 });
    expect(out.cut).not.toBe('ok');
    // Every admitted call settled: no reservation is left behind.
    await expect.poll(() => storeRows('reservations'), { timeout: 10_000 }).toEqual([]);
    const statuses = (await storeRows('usage')).map((row) => row.status);
    expect(statuses).toContain(500);
    expect(statuses).toContain(429);
  });

  it('a model with no known price under a spend limit is refused with price_unknown until the user sets a price', async () => {
    await grant(app, 'priced', { provider: 'openai', models: ['mystery-model-1'], limits: { monthly_spend: 1 } });
    const call = () =>
      app.evaluate(async () => {
        const w = window as unknown as PageWindow;
        try {
          await w.sdk.clients.openai(w.grants.priced).chat.completions.create({ model: 'mystery-model-1', messages: [{ role: 'user', content: 'hello' }] });
          return 'ok';
        } catch (e) {
          return w.sdk.describeError(e);
        }
      });
    const refused = await call();
    expect(refused).toMatchObject({ error: 'PermissionDeniedError', code: 'price_unknown' });
    expect(refused.message).toContain('mystery-model-1');

    const options = await ext.openPage('options.html#/settings');
    await selectOption(options, 'Price provider', 'openai');
    await typeInto(options, 'Model', 'mystery-model-1');
    await typeInto(options, 'Input price (USD per million tokens)', '1');
    await typeInto(options, 'Output price (USD per million tokens)', '2');
    await clickButton(options, 'Add price');
    await find(options, '::-p-text(Remove price)');
    expect(await call()).toBe('ok');

    // And the Activity page shows the calls, with their cost.
    await ext.goto(options, 'options.html#/activity');
    await find(options, '::-p-text(mystery-model-1)');
    expect(await pageText(options)).toContain(`127.0.0.1:${site.port}`);
    await options.close();
  });

  it('a locked vault answers 503 vault_locked and the toolbar icon asks the person to unlock', async () => {
    const options = await ext.openPage('options.html');
    await clickButton(options, 'Lock');
    await find(options, aria('Unlock', 'button'));
    const error = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      try {
        await w.sdk.clients.openai(w.grants.main).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
        return 'no error';
      } catch (e) {
        return w.sdk.describeError(e);
      }
    });
    expect(error).toMatchObject({ error: 'InternalServerError', status: 503, code: 'vault_locked' });
    await expect.poll(() => ext.badgeText()).toBe('!');
    await typeInto(options, 'Passphrase', 'violet harbor lantern 42');
    await clickButton(options, 'Unlock');
    await expect.poll(() => ext.badgeText()).toBe('');
    await options.close();
  });
});
