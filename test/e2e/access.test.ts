import { resolve } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type ExtensionBrowser } from '../support/browser';
import { addKey, approvalWindow, approve, closeWindow, createVault, deny, openApprovalWindows } from '../support/flows';
import { aria, clickButton, find, pageText, typeInto, until, waitUntil } from '../support/pages';
import { browserName } from '../support/suite';
import { serveStatic } from '../support/site';

const PASSPHRASE = 'violet harbor lantern 42';
const TOKEN = /^okap_[A-Za-z0-9_-]{43}$/;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- results arrive from the page as JSON and each field is checked with expect
type Json = any;

let ext: ExtensionBrowser;
let site: Awaited<ReturnType<typeof serveStatic>>;
let options: Page;

/** Opens a site page and starts a call whose promise lives in the page, so the test can click meanwhile. */
async function sitePage(origin: string): Promise<Page> {
  const page = await ext.newTab();
  await page.goto(`${origin}/`);
  await waitUntil(page, () => 'okap' in window);
  return page;
}

async function start(page: Page, expression: string): Promise<void> {
  // A request from a tab in the background only waits in the queue (issue 7): ask from the tab in front.
  await page.bringToFront();
  await page.evaluate((source) => {
    const w = window as unknown as { __calls: Record<string, Promise<unknown>>; __n: number };
    w.__calls ??= {};
    w.__n = (w.__n ?? 0) + 1;
    // The test names the call as source text, so it runs inside the page.
    w.__calls[w.__n] = (new Function(`return (${source})`)() as Promise<unknown>).then(
      (value) => ({ value }),
      (error: { name: string; code: string; message: string; path?: string; response?: unknown }) => ({
        error: { name: error.name, code: error.code, message: error.message, path: error.path, response: error.response },
      }),
    );
  }, expression);
}

async function result(page: Page): Promise<{ value?: Json; error?: Json }> {
  return page.evaluate(() => {
    const w = window as unknown as { __calls: Record<string, Promise<unknown>>; __n: number };
    return w.__calls[w.__n];
  }) as Promise<{ value?: Json; error?: Json }>;
}

const shorthand = `window.okap.requestAccess({ provider: 'openai', models: ['gpt-4o', 'gpt-4o-mini'], limits: { monthly_spend: 20 } })`;

beforeAll(async () => {
  site = await serveStatic(resolve(import.meta.dirname, '../../demo'), {
    '/frame.html': `<!doctype html><iframe id="f"></iframe>`,
  });
  ext = await launch();
  options = await createVault(ext, PASSPHRASE);
  await addKey(options, { kind: 'openai', label: 'Work OpenAI', secret: 'sk-test-openai-0000000000000001' });
  await addKey(options, { kind: 'anthropic', label: 'Work Claude', secret: 'sk-ant-test-000000000000000002' });
});
afterAll(async () => {
  await ext?.close();
  await site?.close();
});

describe(`apps ask for access in ${browserName}`, () => {
  it('grants exactly what the user approved: lower limit, one model unticked (shorthand)', async () => {
    const page = await sitePage(site.origin);
    await start(page, shorthand);
    const win = await approvalWindow(ext);
    await find(win, `::-p-text(127.0.0.1:${site.port})`);
    await typeInto(win, 'Monthly spend limit (USD)', '5');
    await (await find(win, aria('gpt-4o-mini', 'checkbox'))).click();
    await approve(win);
    const { value } = await result(page);
    expect(value).toMatchObject({ okap: '1.0', status: 'granted' });
    expect(value.token).toMatch(TOKEN);
    expect(value.authorization_details).toHaveLength(1);
    const [detail] = value.authorization_details;
    expect(detail).toMatchObject({
      type: 'ai_model_access',
      provider: 'openai',
      models: ['gpt-4o'],
      limits: { monthly_spend: 5 },
      base_url: 'https://okap.invalid/v1/openai',
    });
    expect(Date.parse(detail.expires)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    await page.close();
  });

  it('grants a full multi-provider request together', async () => {
    const page = await sitePage(site.origin);
    await start(
      page,
      `window.okap.requestAccess({ okap: '1.0', client: { name: 'Both', url: location.origin }, authorization_details: [
        { type: 'ai_model_access', provider: 'openai', capabilities: ['chat'], expires: '2099-01-01T00:00:00Z' },
        { type: 'ai_model_access', provider: 'anthropic', models: ['claude-sonnet-4-5'], limits: { requests_per_minute: 7 } } ] })`,
    );
    const win = await approvalWindow(ext);
    await find(win, '::-p-text(Both)');
    await approve(win);
    const { value } = await result(page);
    expect(value.authorization_details.map((d: { provider: string }) => d.provider)).toEqual(['openai', 'anthropic']);
    // A far expiry is prefilled no later than the person's default; named limits only tighten the defaults.
    expect(value.authorization_details[0]).toMatchObject({ capabilities: ['chat'], limits: { monthly_spend: 10, requests_per_minute: 60 } });
    expect(Date.parse(value.authorization_details[0].expires)).toBeLessThan(Date.now() + 31 * 86_400_000);
    expect(value.authorization_details[1]).toMatchObject({ models: ['claude-sonnet-4-5'], limits: { monthly_spend: 10, requests_per_minute: 7 }, base_url: 'https://okap.invalid/v1/anthropic' });
    await page.close();
  });

  it('Deny rejects with user_denied and the spec’s denial object', async () => {
    const page = await sitePage(site.origin);
    await start(page, shorthand);
    const win = await approvalWindow(ext);
    await deny(win);
    const { error } = await result(page);
    expect(error).toMatchObject({ name: 'OkapError', code: 'user_denied', response: { okap: '1.0', status: 'denied' } });
    expect(typeof error.response.reason).toBe('string');
    await page.close();
  });

  it('a malformed request is invalid_request with the field path, and opens no window', async () => {
    const page = await sitePage(site.origin);
    await start(page, `window.okap.requestAccess({ provider: 'openai', limits: { monthly_spend: -1 } })`);
    const { error } = await result(page);
    expect(error).toMatchObject({ code: 'invalid_request', path: 'limits.monthly_spend' });
    await page.close();
  });

  it('speaks the spec’s postMessage transport on its own', async () => {
    const page = await sitePage(site.origin);
    await page.evaluate(() => {
      const w = window as unknown as { __spec: Promise<unknown> };
      w.__spec = new Promise((resolve) =>
        window.addEventListener('message', (event) => event.data?.type === 'OKAP_RESPONSE' && resolve(event.data)),
      );
      window.postMessage(
        {
          type: 'OKAP_REQUEST',
          okap: '1.0',
          authorization_details: [{ type: 'ai_model_access', provider: 'openai', models: ['gpt-4'], limits: { monthly_spend: 10 } }],
          client: { name: 'My App', url: window.location.origin },
        },
        '*',
      );
    });
    await approve(await approvalWindow(ext));
    const response = (await page.evaluate(() => (window as unknown as { __spec: Promise<unknown> }).__spec)) as Record<string, Json>;
    expect(response).toMatchObject({ type: 'OKAP_RESPONSE', status: 'granted', authorization_details: [{ provider: 'openai', models: ['gpt-4'] }] });
    expect(response.token).toMatch(TOKEN);
    await page.close();
  });

  it('queues requests from two origins in one window; a duplicate gets already_pending', async () => {
    const a = await sitePage(site.origin);
    const b = await sitePage(site.otherOrigin);
    await start(a, shorthand);
    const win = await approvalWindow(ext);
    await start(b, shorthand);
    await find(win, '::-p-text(Request 1 of 2)');
    await start(a, shorthand);
    expect((await result(a)).error).toMatchObject({ code: 'already_pending' });
    expect(await openApprovalWindows(ext)).toBe(1);
    await approve(win);
    await find(win, `::-p-text(localhost:${site.port})`);
    await approve(win);
    expect((await result(b)).value.status).toBe('granted');
    await a.close();
    await b.close();
  });

  it('"Approve" ignores clicks for a moment after the window appears', async () => {
    const page = await sitePage(site.origin);
    await start(page, shorthand);
    const win = await approvalWindow(ext);
    const button = await find(win, aria('Approve', 'button'));
    expect(await button.evaluate((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await deny(win);
    await result(page);
    await page.close();
  });

  it('throttles an origin after three denials within 30 s', async () => {
    const page = await sitePage(site.otherOrigin);
    for (let i = 0; i < 2; i++) {
      await start(page, shorthand);
      await deny(await approvalWindow(ext));
      expect((await result(page)).error.code).toBe('user_denied');
    }
    // The third denial comes from closing the window, which denies too.
    await start(page, shorthand);
    await closeWindow(await approvalWindow(ext));
    expect((await result(page)).error.code).toBe('user_denied');
    await start(page, shorthand);
    expect((await result(page)).error).toMatchObject({ code: 'throttled' });
    await page.close();
  });

  it('a locked vault asks for the passphrase inside the approval window, then shows the request', async () => {
    await clickButton(options, 'Lock');
    const page = await sitePage(site.origin);
    await start(page, shorthand);
    const win = await approvalWindow(ext);
    await typeInto(win, 'Passphrase', PASSPHRASE);
    await clickButton(win, 'Unlock');
    await approve(win);
    expect((await result(page)).value.status).toBe('granted');
    await page.close();
  });

  it('getGrants answers each origin with its own grants only, whatever a page forges', async () => {
    const mine = await sitePage(site.origin);
    await start(mine, 'window.okap.getGrants()');
    const own = (await result(mine)).value as { token: string }[];
    expect(own.length).toBeGreaterThanOrEqual(4);
    const other = await sitePage(site.otherOrigin);
    await start(other, 'window.okap.getGrants()');
    const theirs = (await result(other)).value as { token: string }[];
    expect(theirs).toHaveLength(1);
    expect(own.map((g) => g.token)).not.toContain(theirs[0]!.token);
    // Forged bridge messages naming the other origin, in every field a page controls.
    const forged = await other.evaluate(async (victim) => {
      const replies: unknown[] = [];
      window.addEventListener('message', (e) => e.data?.target === 'okap:page' && e.data.id >= 900 && replies.push(e.data));
      window.postMessage({ target: 'okap:bridge', id: 900, method: 'getGrants', params: { origin: victim }, origin: victim }, '*');
      window.postMessage({ target: 'okap:bridge', id: 901, method: 'getGrants', params: victim, sender: { origin: victim } }, '*');
      await new Promise((r) => setTimeout(r, 500));
      return JSON.stringify(replies);
    }, site.origin);
    for (const { token } of own) expect(forged).not.toContain(token);
    // And a token of one origin cannot be given up by another.
    await start(other, `window.okap.revoke(${JSON.stringify(own[0]!.token)})`);
    expect((await result(other)).value).toBe(false);
    await mine.close();
    await other.close();
  });

  it('revoke gives a token up, and the page hears a revoked event', async () => {
    const page = await sitePage(site.otherOrigin);
    await start(page, 'window.okap.getGrants()');
    const [grant] = (await result(page)).value as { token: string }[];
    await page.evaluate(() => {
      const w = window as unknown as { __revoked: Promise<unknown> };
      w.__revoked = new Promise((resolve) => window.okap.addEventListener('revoked', (e: Event) => resolve((e as CustomEvent).detail)));
    });
    await start(page, `window.okap.revoke(${JSON.stringify(grant!.token)})`);
    expect((await result(page)).value).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __revoked: Promise<unknown> }).__revoked)).toEqual({ token: grant!.token });
    await start(page, 'window.okap.getGrants()');
    expect((await result(page)).value).toEqual([]);
    await page.close();
  });

  it('the user revokes an app from the dashboard: its pages hear it and lose the grant', async () => {
    const page = await sitePage(site.origin);
    await start(page, 'window.okap.getGrants()');
    const before = (await result(page)).value as { token: string }[];
    await page.evaluate(() => {
      const w = window as unknown as { __revoked: Promise<unknown> };
      w.__revoked = new Promise((resolve) => window.okap.addEventListener('revoked', (e: Event) => resolve((e as CustomEvent).detail)));
    });
    await options.bringToFront();
    await ext.goto(options, 'options.html#/apps');
    await find(options, '::-p-text(Both)');
    // The Apps page lists each app with its own "Revoke"; the one for "Both" is the only one in its item.
    const item = await find(options, 'li:has(strong) ::-p-text(Both)');
    const listItem = await item.evaluateHandle((el) => el.closest('li')!);
    await clickButton(listItem.asElement() as ElementHandle<Element>, 'Revoke');
    const detail = (await page.evaluate(() => (window as unknown as { __revoked: Promise<unknown> }).__revoked)) as { token: string };
    expect(before.map((g) => g.token)).toContain(detail.token);
    await start(page, 'window.okap.getGrants()');
    const after = (await result(page)).value as { token: string }[];
    expect(after).toHaveLength(before.length - 1);
    expect(after.map((g) => g.token)).not.toContain(detail.token);
    await until(async () => !(await pageText(options)).includes('Both\n'), '"Both" to leave the Apps page');
    await page.close();
  });

  it('no web page can frame the approval window', async () => {
    const page = await ext.newTab();
    await page.goto(`${site.origin}/frame.html`);
    await page.evaluate((src) => {
      (document.getElementById('f') as HTMLIFrameElement).src = src;
    }, `${ext.origin}/approve.html`);
    await new Promise((r) => setTimeout(r, 1000));
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const framed = frame ? await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
    expect(framed).not.toMatch(/Approve|Unlock|request/i);
    await page.close();
  });
});

declare global {
  interface Window {
    okap: { addEventListener(type: string, listener: (e: Event) => void): void };
  }
}
