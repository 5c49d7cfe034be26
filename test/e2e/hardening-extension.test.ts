import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aria, launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { addKey, approvalWindow, approve, clickButton, createVault, deny, typeInto } from '../support/flows';
import { serveStatic } from '../support/site';

// Issue 7, the extension's half: the approval window's defaults and flags, site text fenced off,
// quiet queueing for hidden tabs and gesture-less cross-origin frames, large bodies only for a live
// grant, sandboxed documents refused at once, and a key's new host only with the passphrase.

const PASSPHRASE = 'violet harbor lantern 42';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- results arrive from the page as JSON and each field is checked with expect
type Json = any;
interface ActionApi {
  getBadgeText(details: object): Promise<string>;
  getPopup(details: object): Promise<string>;
}

let ext: ExtensionBrowser;
let site: Awaited<ReturnType<typeof serveStatic>>;
let options: Page;

const REASON = 'Ignore the wallet: press Approve, it is safe';

async function sitePage(url: string): Promise<Page> {
  const page = await ext.browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'okap' in window);
  return page;
}

/** Starts a call in the page; its outcome is kept in the page for `result`. */
async function start(page: Page, expression: string): Promise<void> {
  await page.evaluate((source) => {
    const w = window as unknown as { __call: Promise<unknown> };
    w.__call = (new Function(`return (${source})`)() as Promise<unknown>).then(
      (value) => ({ value }),
      (error: { name: string; code?: string; message: string }) => ({ error: { name: error.name, code: error.code, message: error.message } }),
    );
  }, expression);
}
const result = (page: Page) => page.evaluate(() => (window as unknown as { __call: Promise<unknown> }).__call) as Promise<{ value?: Json; error?: Json }>;

async function action<T>(call: (action: ActionApi) => Promise<T>): Promise<T> {
  const worker = await ext.worker();
  return worker.evaluate(
    (source) => (new Function('action', `return (${source})(action)`) as (a: ActionApi) => Promise<T>)((globalThis as unknown as { chrome: { action: ActionApi } }).chrome.action),
    call.toString(),
  );
}
const badge = () => action((a) => a.getBadgeText({}));

const approvalTargets = () => ext.browser.targets().filter((t) => t.url() === `chrome-extension://${ext.extensionId}/approve.html`);

/**
 * A request that may not pop the window up is counted on the badge. Once the badge counts it, the
 * worker has decided; a window it would have opened is created within moments, so look a little later.
 */
async function expectQueuedQuietly(count: string) {
  await expect.poll(badge, { timeout: 15_000 }).toBe(count);
  await new Promise((r) => setTimeout(r, 1500));
  expect(approvalTargets()).toHaveLength(0);
  // The toolbar button now opens the approval page itself.
  expect(await action((a) => a.getPopup({}))).toMatch(/\/approve\.html$/);
}

/** What clicking the toolbar button does (as `action.openPopup()`): opens its popup, here the approval page. */
async function openFromToolbar(): Promise<Page> {
  const worker = await ext.worker();
  await worker.evaluate(() => (globalThis as unknown as { chrome: { action: { openPopup(): Promise<void> } } }).chrome.action.openPopup());
  const target = await ext.browser.waitForTarget((t) => t.url() === `chrome-extension://${ext.extensionId}/approve.html`, { timeout: 15_000 });
  const page = await target.asPage();
  if (!page) throw new Error('the toolbar popup has no page');
  return page;
}

beforeAll(async () => {
  site = await serveStatic(resolve(import.meta.dirname, '../../demo'), {
    // A page embedding a frame of the other origin that asks as soon as it loads, with no gesture.
    '/embeds.html': `<!doctype html><p>host page</p><script>document.write('<iframe src="' + location.protocol + '//localhost:' + location.port + '/asks.html"></iframe>')</script>`,
    '/asks.html': `<!doctype html><script>window.__asked = window.okap.requestAccess({ provider: 'openai', models: ['gpt-4o-mini'] }).then((v) => v.status, (e) => e.code)</script>`,
    // The host page's own bridge posts its ready message to this window too: only the frame's answer (a string) counts.
    '/sandbox.html': `<!doctype html><iframe sandbox="allow-scripts" src="/sandboxed.html"></iframe><script>window.__sandbox = new Promise((r) => addEventListener('message', (e) => typeof e.data === 'string' && r(e.data)))</script>`,
    '/sandboxed.html': `<!doctype html><script>
      const hung = new Promise((r) => setTimeout(() => r('hung'), 10000));
      const grants = window.okap ? window.okap.getGrants().then(() => 'resolved', (e) => 'rejected ' + e.code + ': ' + e.message) : Promise.resolve('no okap');
      Promise.race([grants, hung]).then((outcome) => parent.postMessage(outcome, '*'));
    </script>`,
  });
  ext = await launchWithExtension();
  options = await createVault(ext, PASSPHRASE);
  await addKey(options, { kind: 'openai', label: 'Work OpenAI', secret: 'sk-test-openai-0000000000000001' });
});
afterAll(async () => {
  await ext?.close();
  await site?.close();
});

describe('the approval window: defaults merge, flags in words, the site’s text fenced', () => {
  it('prefills the person’s default for every limit the page did not name, and caps a far expiry at the default', async () => {
    const page = await sitePage(`${site.origin}/`);
    await start(page, `window.okap.requestAccess({ provider: 'openai', limits: { requests_per_minute: 5 }, expires: '2099-01-01T00:00:00Z', reason: ${JSON.stringify(REASON)} })`);
    const win = await approvalWindow(ext);
    const spend = await win.waitForSelector(aria('Monthly spend limit (USD)', 'textbox'));
    expect(await spend!.evaluate((input) => (input as HTMLInputElement).value)).toBe('10');
    const text = () => win.evaluate(() => document.body.innerText);

    // A first-time site asking for every model: said in words.
    await win.waitForSelector('::-p-text(First request from this site)');
    expect(await text()).toContain('All models');
    expect(await text()).not.toContain('No spend limit');

    // The site's words sit in their own labelled region, away from the wallet's controls.
    const fenced = await win.waitForSelector(aria('What the site says', 'region'));
    const fencedText = await fenced!.evaluate((el) => (el as HTMLElement).innerText);
    expect(fencedText).toContain('The site says');
    expect(fencedText).toContain(REASON);
    expect(await fenced!.$$('button, input, select')).toHaveLength(0);

    // Clearing the spend limit and choosing "never" raise their flags at once.
    await typeInto(win, 'Monthly spend limit (USD)', '');
    await win.keyboard.press('Backspace');
    await win.waitForSelector('::-p-text(No spend limit)');
    await (await win.waitForSelector(aria('Never expires', 'checkbox')))!.click();
    await win.waitForSelector('::-p-text(Never expires: access lasts)');
    await typeInto(win, 'Monthly spend limit (USD)', '10');
    await (await win.waitForSelector(aria('Never expires', 'checkbox')))!.click();

    await approve(win);
    const { value } = await result(page);
    const [detail] = value.authorization_details;
    expect(detail.limits).toEqual({ monthly_spend: 10, requests_per_minute: 5 });
    expect(Date.parse(detail.expires)).toBeLessThan(Date.now() + 31 * 86_400_000);
    await page.close();
  });

  it('shows an unknown provider id with where it would go, and the same site is no longer new', async () => {
    const page = await sitePage(`${site.origin}/`);
    await start(page, `window.okap.requestAccess({ provider: 'mystery-llm', models: ['m1'], limits: { monthly_spend: 1 } })`);
    const win = await approvalWindow(ext);
    await win.waitForSelector('::-p-text(“mystery-llm” is the site’s name for a provider. No key of yours serves it yet.)');
    expect(await win.evaluate(() => document.body.innerText)).not.toContain('First request from this site');
    await deny(win);
    expect((await result(page)).error).toMatchObject({ code: 'user_denied' });
    await page.close();
  });
});

describe('requests the person is not looking at wait in the queue', () => {
  it('a hidden tab’s request opens no window: the badge counts it and the toolbar opens it', async () => {
    const hidden = await sitePage(`${site.otherOrigin}/`);
    const front = await ext.browser.newPage();
    await front.goto(`${site.origin}/`);
    await front.bringToFront();
    await start(hidden, `window.okap.requestAccess({ provider: 'openai', models: ['gpt-4o-mini'] })`);
    await expectQueuedQuietly('1');

    const win = await openFromToolbar();
    await win.waitForSelector(`::-p-text(localhost:${site.port})`);
    await approve(win);
    expect((await result(hidden)).value).toMatchObject({ status: 'granted' });
    await expect.poll(badge).toBe('');
    expect(await action((a) => a.getPopup({}))).toMatch(/\/popup\.html$/);
    await win.close();
    await hidden.close();
    await front.close();
  });

  it('a cross-origin frame asking without a gesture waits, and is labelled as such in the window', async () => {
    const top = await ext.browser.newPage();
    await top.goto(`${site.origin}/embeds.html`);
    await top.bringToFront();
    await expectQueuedQuietly('1');
    const win = await openFromToolbar();
    await win.waitForSelector('::-p-text(Cross-origin frame: asked from inside another site’s page)');
    await deny(win);
    const frame = top.frames().find((f) => f.url().endsWith('/asks.html'))!;
    expect(await frame.evaluate(() => (window as unknown as { __asked: Promise<string> }).__asked)).toBe('user_denied');
    await win.close();
    await top.close();
  });
});

describe('what a page without a grant can make the worker do', () => {
  it('a large body without a live grant is refused before it is decoded; a small one still gets the provider’s 401', async () => {
    const page = await sitePage(`${site.otherOrigin}/`);
    const call = (size: number) =>
      `window.okap.fetch('https://okap.invalid/v1/openai/chat/completions', { method: 'POST', headers: { authorization: 'Bearer okap_' + 'A'.repeat(43), 'content-type': 'application/json' }, body: 'x'.repeat(${size}) }).then((r) => r.status)`;
    await start(page, call(5_000_000));
    expect((await result(page)).error).toMatchObject({ name: 'TypeError', message: expect.stringContaining('live grant') });
    await start(page, call(1000));
    expect((await result(page)).value).toBe(401);
    await page.close();
  });

  it('in a sandboxed frame window.okap calls reject at once with a clear error', async () => {
    const page = await ext.browser.newPage();
    await page.goto(`${site.origin}/sandbox.html`);
    const outcome = await page.evaluate(() => (window as unknown as { __sandbox: Promise<string> }).__sandbox);
    expect(outcome).toMatch(/^rejected invalid_request: .*sandboxed/);
    await page.close();
  });
});

describe('a key leaves for a new host only with the passphrase', () => {
  it('asks for the passphrase and names the new host before changing a Base URL; Test reaches it only after', async () => {
    await options.bringToFront();
    const item = await options.waitForSelector(aria('Work OpenAI (OpenAI)', 'listitem'));
    await (await item!.waitForSelector(aria('Edit', 'button')))!.click();
    await typeInto(options, 'Base URL', 'http://127.0.0.1:9/v1');
    await clickButton(options, 'Save changes');
    const confirm = await options.waitForSelector(aria('Confirm the new host', 'form'));
    expect(await confirm!.evaluate((el) => (el as HTMLElement).innerText)).toContain('127.0.0.1:9');
    // Nothing changed yet, and there is no Test button meanwhile.
    expect(await item!.evaluate((el) => (el as HTMLElement).innerText)).toContain('provider’s own API');
    expect(await item!.$(aria('Test', 'button'))).toBeNull();

    await typeInto(options, 'Passphrase to confirm', 'not the passphrase');
    await clickButton(options, 'Send key to new host');
    await options.waitForSelector('::-p-text(Wrong passphrase)');
    expect(await item!.evaluate((el) => (el as HTMLElement).innerText)).toContain('provider’s own API');

    await typeInto(options, 'Passphrase to confirm', PASSPHRASE);
    await clickButton(options, 'Send key to new host');
    await options.waitForSelector('::-p-text(http://127.0.0.1:9/v1)');
    const updated = await options.waitForSelector(aria('Work OpenAI (OpenAI)', 'listitem'));
    await (await updated!.waitForSelector(aria('Test', 'button')))!.click();
    await options.waitForSelector('::-p-text(Could not reach http://127.0.0.1:9/v1.)');
  });
});
