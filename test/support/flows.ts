import type { Page, Target } from 'puppeteer-core';
import { aria, type ExtensionBrowser } from './browser';

export async function typeInto(page: Page, name: string, text: string) {
  const field = await page.waitForSelector(aria(name, 'textbox'));
  await field!.click({ count: 3 });
  await field!.type(text);
}

export async function clickButton(page: Page, name: string) {
  await (await page.waitForSelector(aria(name, 'button')))!.click();
}

/** Onboarding through the options page; leaves the vault unlocked on the Keys page. */
export async function createVault(ext: ExtensionBrowser, passphrase: string): Promise<Page> {
  const page = await ext.openPage('options.html');
  await typeInto(page, 'Passphrase', passphrase);
  await typeInto(page, 'Confirm passphrase', passphrase);
  await clickButton(page, 'Create vault');
  await page.waitForSelector(aria('Keys', 'link'));
  return page;
}

export async function addKey(page: Page, key: { kind: string; label: string; secret: string; baseUrl?: string }) {
  await page.select(aria('Provider', 'combobox'), key.kind);
  await typeInto(page, 'Label', key.label);
  await typeInto(page, 'API key', key.secret);
  if (key.baseUrl) await typeInto(page, 'Base URL', key.baseUrl);
  await clickButton(page, 'Save key');
  await page.waitForSelector(`::-p-text(${key.label})`);
}

/** Approval windows that closed, or are closing: never handed out again. */
const retired = new WeakSet<Target>();

/** The approval window, once the extension has opened it. */
export async function approvalWindow(ext: ExtensionBrowser): Promise<Page> {
  const url = `chrome-extension://${ext.extensionId}/approve.html`;
  const target = await ext.browser.waitForTarget((t) => t.url() === url && !retired.has(t), { timeout: 15_000 });
  const page = await target.page();
  if (!page) throw new Error('approval window has no page');
  return page;
}

/**
 * After a decision the window closes when nothing else waits. Wait a moment for that, so the next
 * request's window is never confused with this one while it is still closing.
 */
async function settle(page: Page) {
  const target = page.target();
  const closed = new Promise<void>((resolve) => page.once('close', () => resolve()));
  await Promise.race([closed, new Promise((r) => setTimeout(r, 1500))]);
  if (page.isClosed()) retired.add(target);
}

/** Waits until "Approve" accepts clicks (it ignores them briefly after the window appears), then clicks. */
export async function approve(page: Page) {
  await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent === 'Approve' && !b.disabled));
  await clickButton(page, 'Approve');
  await settle(page);
}

export async function deny(page: Page) {
  await clickButton(page, 'Deny');
  await settle(page);
}

/** Closes the approval window the way a person would, which denies what waits in it. */
export async function closeWindow(page: Page) {
  retired.add(page.target());
  await page.close();
}
