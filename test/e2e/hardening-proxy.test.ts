/**
 * Issue 7 end to end: the official SDKs in a web page, through window.okap.fetch and the
 * real extension, against aimock (its own provider imitation, and recorded provider streams
 * replayed through its mount hook). Cut streams are billed at least their reservation, and a
 * concurrent burst of calls that pull context by reference cannot overrun a daily limit.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureText } from '../../lib/providers/fixtures';
import { makeReplayer, REPLAY_PATH, type Replayer } from '../../lib/proxy/test-kit';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { addKey, approvalWindow, approve, createVault } from '../support/flows';
import { buildSdkApp } from '../support/sdk-app';
import { serveStatic } from '../support/site';
import { startUpstream } from '../support/upstream';

const REAL_KEY = 'sk-real-upstream-key-hardening-0123456789';

let ext: ExtensionBrowser;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let replay: Replayer;
let site: Awaited<ReturnType<typeof serveStatic>>;
let app: Page;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDKs live in the page; results come back as JSON checked with expect
type Json = any;
interface PageWindow {
  okap: { requestAccess(r: unknown): Promise<Json> };
  sdk: { clients: Record<'openai' | 'anthropic' | 'google', (grant: Json) => Json>; describeError(e: unknown): Json };
  grants: Record<string, Json>;
}

async function grant(name: string, request: unknown): Promise<Json> {
  const pending = app.evaluate(
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

/** The activity log as stored, read from an extension page. */
async function usageRows(): Promise<Json[]> {
  const page = await ext.openPage('popup.html');
  const rows = await page.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('okap-vault');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('usage').objectStore('usage').getAll();
          request.onsuccess = () => resolve(request.result);
        };
      }),
  );
  await page.close();
  return rows as Json[];
}

async function rowsOf(endpoint: string, count: number): Promise<Json[]> {
  let rows: Json[] = [];
  await expect
    .poll(async () => (rows = (await usageRows()).filter((r) => r.endpoint === endpoint)).length, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(count);
  return rows;
}

beforeAll(async () => {
  upstream = await startUpstream([REAL_KEY]);
  replay = makeReplayer();
  upstream.mount(REPLAY_PATH, replay);
  // What a provider may report for a call that continues a long stored conversation.
  upstream.onMessage('continue', { content: 'more', usage: { input_tokens: 120_000, output_tokens: 900 } } as Json);
  site = await serveStatic(await buildSdkApp());
  ext = await launchWithExtension();
  const options = await createVault(ext, 'amber kestrel meadow 77');
  await addKey(options, { kind: 'openai', label: 'OpenAI via mock', secret: REAL_KEY, baseUrl: `${upstream.url}/v1` });
  await addKey(options, { kind: 'anthropic', label: 'Claude via replay', secret: REAL_KEY, baseUrl: `${upstream.url}${REPLAY_PATH}` });
  await addKey(options, { kind: 'google', label: 'Gemini via replay', secret: REAL_KEY, baseUrl: `${upstream.url}${REPLAY_PATH}` });
  await options.close();
  app = await ext.browser.newPage();
  await app.goto(`${site.origin}/`);
  await app.waitForFunction(() => 'okap' in window && 'sdk' in window);
  await grant('limited', {
    okap: '1.0',
    client: { name: 'Hostile but granted', url: site.origin },
    authorization_details: [
      { type: 'ai_model_access', provider: 'openai', models: ['gpt-4o'], limits: { daily_spend: 1 } },
      { type: 'ai_model_access', provider: 'anthropic', models: ['claude-sonnet-4-20250514'], limits: { daily_spend: 5 } },
      { type: 'ai_model_access', provider: 'google', models: ['gemini-2.5-flash'], limits: { daily_spend: 5 } },
    ],
  });
}, 180_000);

afterAll(async () => {
  await ext?.close();
  await upstream?.stop();
  await site?.close();
});

describe('cut streams through window.okap.fetch', () => {
  it('an Anthropic stream cut after message_start is billed its reservation, not its early count', async () => {
    replay.play({ body: fixtureText('anthropic-messages-stream.txt'), cutAfterEvents: 5 });
    const out = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const claude = w.sdk.clients.anthropic(w.grants.limited);
      try {
        const stream = claude.messages.stream({ model: 'claude-sonnet-4-20250514', max_tokens: 20_000, messages: [{ role: 'user', content: 'Hi' }] });
        for await (const _ of stream) void _;
        return 'ended';
      } catch (e) {
        return w.sdk.describeError(e).error;
      }
    });
    expect(out).not.toBe('');
    const [row] = await rowsOf('/v1/messages', 1);
    expect(row.status).toBe('cut');
    // 20,000 output tokens at $15 / MTok: $0.30 at least; message_start said 1 output token.
    expect(row.costUsd).toBeGreaterThan(0.3);
  });

  it('a Gemini stream cut before its final chunk is billed its reservation', async () => {
    replay.play({ body: fixtureText('gemini-stream.txt'), cutAfterEvents: 2 });
    await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const gemini = w.sdk.clients.google(w.grants.limited);
      try {
        const stream = await gemini.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hi', config: { maxOutputTokens: 30_000 } });
        for await (const _ of stream) void _;
      } catch {
        // The cut surfaces as an error in the SDK; the bill is what this test is about.
      }
    });
    const [row] = await rowsOf('/v1beta/models/gemini-2.5-flash:streamGenerateContent', 1);
    expect(row.status).toBe('cut');
    expect(row.costUsd).toBeGreaterThan(0.075);
  });
});

describe('answers without usage', () => {
  it('a 2xx without usage is billed its reservation and shown as an anomaly in Activity', async () => {
    const answer = JSON.parse(fixtureText('gemini-generate.json')) as Record<string, unknown>;
    delete answer.usageMetadata;
    replay.play({ body: JSON.stringify(answer), contentType: 'application/json' });
    const text = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const gemini = w.sdk.clients.google(w.grants.limited);
      return (await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi', config: { maxOutputTokens: 30_000 } })).text;
    });
    expect(text).toBeTruthy();
    const [row] = await rowsOf('/v1beta/models/gemini-2.5-flash:generateContent', 1);
    expect(row).toMatchObject({ status: 200, anomaly: 'no_final_usage' });
    expect(row.costUsd).toBeGreaterThan(0.075);
    const options = await ext.openPage('options.html#/activity');
    await options.waitForSelector('::-p-text(Anomaly: the provider reported no final usage)');
    await options.close();
  });
});

describe('a concurrent burst', () => {
  it('twenty calls that pull context by reference cannot spend past a $1 daily limit', async () => {
    const out = await app.evaluate(async () => {
      const w = window as unknown as PageWindow;
      const openai = w.sdk.clients.openai(w.grants.limited);
      const one = async () => {
        try {
          await openai.responses.create({ model: 'gpt-4o', previous_response_id: 'resp_long_history', input: 'continue', max_output_tokens: 1000 });
          return 'ok';
        } catch (e) {
          return w.sdk.describeError(e).code as string;
        }
      };
      return Promise.all(Array.from({ length: 20 }, one));
    });
    // Each call holds gpt-4o's whole context window ($0.32) plus its output ($0.01).
    expect(out.filter((r: string) => r === 'ok')).toHaveLength(3);
    expect(out.filter((r: string) => r === 'budget_exhausted')).toHaveLength(17);
    const rows = await rowsOf('/responses', 20);
    const spent = rows.reduce((sum: number, row: Json) => sum + (row.costUsd ?? 0), 0);
    expect(spent).toBeGreaterThan(0.9);
    expect(spent).toBeLessThanOrEqual(1);
  });
});
