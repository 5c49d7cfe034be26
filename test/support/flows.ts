import type { Page } from 'puppeteer-core';
import type { ExtensionBrowser } from './browser';
import { aria, clickButton, find, selectOption, typeInto, until, waitUntil } from './pages';

export { clickButton, typeInto } from './pages';

/** Onboarding through the options page; leaves the vault unlocked on the Keys page. */
export async function createVault(ext: ExtensionBrowser, passphrase: string): Promise<Page> {
  const page = await ext.openPage('options.html');
  await typeInto(page, 'Passphrase', passphrase);
  await typeInto(page, 'Confirm passphrase', passphrase);
  await clickButton(page, 'Create vault');
  await find(page, aria('Keys', 'link'), 30_000);
  return page;
}

export async function addKey(page: Page, key: { kind: string; label: string; secret: string; baseUrl?: string }) {
  await selectOption(page, 'Provider', key.kind);
  await typeInto(page, 'Label', key.label);
  await typeInto(page, 'API key', key.secret);
  if (key.baseUrl) await typeInto(page, 'Base URL', key.baseUrl);
  await clickButton(page, 'Save key');
  try {
    await find(page, `::-p-text(${key.label})`);
  } catch (error) {
    // Say what the page showed instead (an error under the form, a disabled button…).
    const shown = await page.evaluate(() => document.body.innerText).catch(() => '');
    throw new Error(`${(error as Error).message}; the page shows:\n${shown}`);
  }
}

/** Approval windows that closed, or are closing: never handed out again. */
const retired = new WeakSet<Page>();

/** Where a page is. Chromium names a page's URL; Firefox reports extension pages as about:blank, so each is asked. */
const where = (ext: ExtensionBrowser, page: Page) =>
  ext.name === 'chromium' ? Promise.resolve(page.url()) : page.evaluate(() => location.href).catch(() => '');

/** The approval window, once the extension has opened it. */
export async function approvalWindow(ext: ExtensionBrowser): Promise<Page> {
  const url = `${ext.origin}/approve.html`;
  return until(
    async () => {
      for (const page of await ext.browser.pages()) {
        if (!retired.has(page) && !page.isClosed() && (await where(ext, page)) === url) return page;
      }
      return undefined;
    },
    'the approval window',
    15_000,
  );
}

/** How many approval pages are open now (the extension reuses one window for every request). */
export async function openApprovalWindows(ext: ExtensionBrowser): Promise<number> {
  let count = 0;
  for (const page of await ext.browser.pages()) if (!page.isClosed() && (await where(ext, page)) === `${ext.origin}/approve.html`) count++;
  return count;
}

/**
 * After a decision the window closes when nothing else waits. Wait a moment for that, so the next
 * request's window is never confused with this one while it is still closing.
 */
async function settle(page: Page) {
  // Firefox may not report the window's page as closed; a page that no longer answers is gone too.
  const gone = async () => page.isClosed() || (await page.evaluate(() => false).then(() => false, () => true));
  const deadline = Date.now() + 1500;
  while (Date.now() < deadline && !(await gone())) await new Promise((r) => setTimeout(r, 50));
  if (await gone()) retired.add(page);
}

/**
 * Brings the approval window to the front, as a person clicking into it does, waits until "Approve"
 * accepts clicks (it ignores them for a moment after the window appears or regains focus), then clicks.
 * The window may have lost focus meanwhile: a test that brings a site's tab to the front focuses the
 * main window in Firefox (WebDriver BiDi activates the tab's window, as a person's click would), and
 * an unfocused window keeps "Approve" inert. Headless Chromium leaves every window focused.
 */
export async function approve(page: Page) {
  await page.bringToFront();
  await waitUntil(page, () => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Approve' && !b.disabled), undefined, '"Approve" to be enabled');
  await clickButton(page, 'Approve');
  await settle(page);
}

export async function deny(page: Page) {
  await clickButton(page, 'Deny');
  await settle(page);
}

/** Closes the approval window the way a person would, which denies what waits in it. */
export async function closeWindow(page: Page) {
  retired.add(page);
  await page.close();
}
