import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Driving Firefox (ESR 153, and 140 which the manifest accepts) over WebDriver BiDi with
 * puppeteer-core 24.43 takes a few workarounds, each verified on this machine; they live here so
 * the suites never see them.
 */

/** The add-on id from wxt.config.ts, and the fixed UUID its moz-extension:// pages get in tests. */
export const geckoId = 'wallet@okap.dev';
export const firefoxUuid = '6f1c1a52-3c4c-4b5e-9d1f-0a0b0c0d0e0f';

/** Debian's Firefox ESR unless FIREFOX_PATH names another. */
export function firefoxPath(): string {
  return process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
}

export async function launchFirefox(extensionDir: string): Promise<{ browser: Browser; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'okap-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    userDataDir: profile,
    // Lets the harness evaluate in the browser's own (chrome) scope: how the background is restarted.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      // A fixed UUID, so extension URLs are known before the add-on runs.
      'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: firefoxUuid }),
      // Grant optional permissions without the doorhanger no test can click (as Firefox's own tests do).
      'extensions.webextOptionalPermissionPrompts': false,
    },
  });
  // `enableExtensions` does not wait for the install; this does. Host permissions are granted at
  // install (extensions.originControls.grantByDefault), so the content scripts run without a prompt.
  await browser.installExtension(extensionDir);
  return { browser, profile };
}

/** puppeteer's BiDi internals this file reaches: the browsing context and the session behind a page. */
interface BidiContext {
  id: string;
  userContext: BidiUserContext;
  navigate(url: string, wait?: 'none' | 'interactive' | 'complete'): Promise<void>;
}
interface BidiUserContext {
  browser: { session: { send(method: string, params: object): Promise<{ result: unknown }> } };
  createBrowsingContext(type: 'tab', options: { referenceContext: BidiContext }): Promise<BidiContext>;
}
const contextOf = (page: Page) => (page.mainFrame() as unknown as { browsingContext: BidiContext }).browsingContext;

/**
 * A new tab in the same window as `beside`. Firefox puts a plain new tab in the last focused window,
 * which may be the approval popup; a tab there would keep that window open when its page closes.
 */
export async function newTabBeside(browser: Browser, beside: Page): Promise<Page> {
  const reference = contextOf(beside);
  const created = await reference.userContext.createBrowsingContext('tab', { referenceContext: reference });
  const page = (await browser.pages()).find((p) => contextOf(p) === created || contextOf(p).id === created.id);
  if (!page) throw new Error('the new tab has no page');
  return page;
}

/**
 * Extension pages send no navigation events over BiDi: `goto`/`reload` time out and `url()` stays
 * about:blank. So navigate without waiting; the caller polls `location.href` by evaluating.
 */
export async function navigateWithoutEvents(page: Page, url: string): Promise<void> {
  await contextOf(page).navigate(url, 'none');
}

/** A reload that waits for nothing, for the same reason. */
export async function reloadWithoutEvents(page: Page): Promise<void> {
  const context = contextOf(page);
  await context.userContext.browser.session.send('browsingContext.reload', { context: context.id, wait: 'none' });
}

/** Runs an expression in the browser's chrome scope (allowed by --remote-allow-system-access). */
async function inChromeScope(page: Page, expression: string): Promise<unknown> {
  const { session } = contextOf(page).userContext.browser;
  const { result: tree } = (await session.send('browsingContext.getTree', { 'moz:scope': 'chrome' })) as { result: { contexts: { context: string }[] } };
  const context = tree.contexts[0]?.context;
  if (!context) throw new Error('no chrome-scope context to evaluate in');
  const { result } = (await session.send('script.evaluate', { expression, target: { context }, awaitPromise: true })) as {
    result: { type: string; result?: { value?: unknown }; exceptionDetails?: { text: string } };
  };
  if (result.type !== 'success') throw new Error(`chrome scope: ${result.exceptionDetails?.text}`);
  return result.result?.value;
}

/**
 * The background is an event page, not a service worker. Firefox 153 stops it as it does when the
 * page idles; the next event (a port, a message, an alarm) starts a new one. Firefox 140 has no such
 * call: there the background page is reloaded from an extension page, which also starts a fresh one.
 */
export async function terminateBackground(anyPage: Page, extensionPage: () => Promise<Page>, forceReload = false): Promise<void> {
  const state = await inChromeScope(
    anyPage,
    `(async () => {
      const extension = WebExtensionPolicy.getByID(${JSON.stringify(geckoId)}).extension;
      if (${forceReload} || typeof extension.terminateBackground !== 'function') return 'no terminateBackground';
      await extension.terminateBackground();
      return String(extension.backgroundState);
    })()`,
  );
  if (state === 'stopped') return;
  if (state !== 'no terminateBackground') throw new Error(`background did not stop (state: ${String(state)})`);
  const page = await extensionPage();
  try {
    await page.evaluate(async () => {
      const runtime = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<Window> } } }).browser.runtime;
      (await runtime.getBackgroundPage()).location.reload();
    });
  } finally {
    await page.close();
  }
}
