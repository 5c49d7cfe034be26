import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type ExtensionBrowser } from '../support/browser';
import { addKey, approvalWindow, approve, createVault } from '../support/flows';
import { clickButton, find, typeInto, until, waitUntil } from '../support/pages';
import { serveStatic } from '../support/site';
import { storeRows } from '../support/storage';
import { startUpstream } from '../support/upstream';

// The Apps page after real proxied calls: its numbers are the usage rows' numbers, and its controls
// change what the app gets on its very next call.
const REAL_KEY = 'sk-real-upstream-key-0123456789abcdefXYZ';
const PAGE = '<!doctype html><meta charset="utf-8"><title>Spend test app</title><p>app</p>';

let ext: ExtensionBrowser;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let site: Awaited<ReturnType<typeof serveStatic>>;
let app: Page;
let options: Page;
const tokens: Record<string, string> = {};

interface UsageRow {
  grantId: string;
  costUsd?: number;
  status: number | string;
}
interface GrantRow {
  id: string;
  client: { name: string };
}

async function grant(name: string, limits: Record<string, number>): Promise<void> {
  const pending = app.evaluate(
    (n, l) =>
      (window as unknown as { okap: { requestAccess(r: unknown): Promise<{ token: string }> } }).okap.requestAccess({
        okap: '1.0',
        client: { name: n },
        authorization_details: [{ type: 'ai_model_access', provider: 'openai', models: ['gpt-4o-mini'], limits: l }],
      }),
    name,
    limits,
  );
  await approve(await approvalWindow(ext));
  tokens[name] = (await pending).token;
}

/** One chat call through window.okap.fetch, as an app makes it: its status and error type, if any. */
async function call(name: string): Promise<{ status: number; type?: string }> {
  await app.bringToFront();
  return app.evaluate(async (token) => {
    const okap = (window as unknown as { okap: { fetch: typeof fetch } }).okap;
    const response = await okap.fetch('https://okap.invalid/v1/openai/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
    const body = (await response.json()) as { error?: { type: string } };
    return { status: response.status, type: body.error?.type };
  }, tokens[name]!);
}

/** The grant's item on the Apps page. */
async function grantItem(name: string): Promise<ElementHandle<Element>> {
  await options.bringToFront();
  return find(options, `li.grant[aria-label^="${name}:"]`);
}

/** The value a spend bar of a grant shows. */
async function barValue(name: string, bar: 'Today' | 'This month'): Promise<number> {
  const item = await grantItem(name);
  const meter = await find(item, `meter[aria-label^="${bar}:"]`);
  return meter.evaluate((m) => (m as HTMLMeterElement).value);
}

beforeAll(async () => {
  upstream = await startUpstream([REAL_KEY]);
  upstream.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 1200, completion_tokens: 600 } } as never);
  site = await serveStatic(import.meta.dirname, { '/app.html': PAGE });
  ext = await launch();
  options = await createVault(ext, 'violet harbor lantern 42');
  await addKey(options, { kind: 'openai', label: 'OpenAI via mock', secret: REAL_KEY, baseUrl: `${upstream.url}/v1` });
  app = await ext.newTab();
  await app.goto(`${site.origin}/app.html`);
  await waitUntil(app, () => 'okap' in window);
  await grant('Alpha', { daily_spend: 1, monthly_spend: 5 });
  await grant('Beta', { daily_spend: 2, monthly_spend: 10 });
}, 180_000);

afterAll(async () => {
  await ext?.close();
  await upstream?.stop();
  await site?.close();
});

describe('Apps after a series of proxied calls', () => {
  it('shows each grant’s spend today and this month as the sum of its usage rows', async () => {
    for (const name of ['Alpha', 'Alpha', 'Alpha', 'Beta', 'Beta']) expect((await call(name)).status).toBe(200);
    const grants = await storeRows<GrantRow>(ext, 'grants');
    const usage = await until(async () => {
      const rows = await storeRows<UsageRow>(ext, 'usage');
      return rows.filter((r) => r.status === 200).length === 5 && rows;
    }, 'five settled rows');
    await ext.goto(options, 'options.html#/apps');
    for (const name of ['Alpha', 'Beta']) {
      const id = grants.find((g) => g.client.name === name)!.id;
      const sum = usage.filter((r) => r.grantId === id).reduce((s, r) => s + (r.costUsd ?? 0), 0);
      expect(sum).toBeGreaterThan(0);
      expect(await barValue(name, 'Today')).toBeCloseTo(sum, 9);
      expect(await barValue(name, 'This month')).toBeCloseTo(sum, 9);
    }
    const text = await (await grantItem('Alpha')).evaluate((el) => (el as HTMLElement).innerText);
    expect(text).toContain('3 requests today');

    // The popup's spend for today is every app's rows together, shown in the browser's currency format.
    const total = usage.reduce((s, r) => s + (r.costUsd ?? 0), 0);
    const popup = await ext.openPage('popup.html');
    const shown = await find(popup, '[data-testid="spend-today"]');
    expect(Number(await shown.evaluate((el) => el.getAttribute('data-usd')))).toBeCloseTo(total, 9);
    const expected = await popup.evaluate((n) => new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(n), total);
    expect(await shown.evaluate((el) => el.textContent)).toBe(expected);
    // Its top app is this one, with "Revoke" beside it.
    await find(popup, `li[aria-label="${site.origin}"] ::-p-aria([name="Revoke"][role="button"])`);
    await popup.close();
  });

  it('an edited limit holds on the next call', async () => {
    expect((await call('Alpha')).status).toBe(200);
    const item = await grantItem('Alpha');
    await clickButton(item, 'Edit openai');
    await typeInto(item, 'Daily spend limit (USD)', '0.0001');
    await clickButton(item, 'Save limits');
    await until(async () => (await options.$('form.edit-grant')) === null, 'the edit form to close');
    expect(await call('Alpha')).toEqual({ status: 429, type: 'budget_exhausted' });
    // The other grant of the same app is untouched.
    expect((await call('Beta')).status).toBe(200);
  });

  it('Pause gives 403 token_paused; Resume restores the grant', async () => {
    await clickButton(await grantItem('Beta'), 'Pause');
    await find(options, 'li.grant[aria-label="Beta: Paused"]');
    expect(await call('Beta')).toEqual({ status: 403, type: 'token_paused' });
    await clickButton(await grantItem('Beta'), 'Resume');
    await find(options, 'li.grant[aria-label="Beta: Active"]');
    expect((await call('Beta')).status).toBe(200);
  });

  it('"Revoke all" cuts every grant of the origin', async () => {
    await options.bringToFront();
    await clickButton(await find(options, `li.app[aria-label="${site.origin}"]`), 'Revoke all');
    await until(async () => (await options.$('li.app')) === null, 'the app to leave the list');
    expect(await call('Alpha')).toEqual({ status: 401, type: 'token_revoked' });
    expect(await call('Beta')).toEqual({ status: 401, type: 'token_revoked' });
  });
});
