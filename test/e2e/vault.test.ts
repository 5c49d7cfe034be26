import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aria, launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { startUpstream } from '../support/upstream';

const PASSPHRASE = 'violet harbor lantern 42';
const API_KEY = 'sk-okapE2Etest-0123456789abcdefSECRET';

let ext: ExtensionBrowser;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let page: Page;

async function type(p: Page, name: string, text: string) {
  const field = await p.waitForSelector(aria(name, 'textbox'));
  await field!.click({ count: 3 });
  await field!.type(text);
}
const click = async (p: Page, name: string) => (await p.waitForSelector(aria(name, 'button')))!.click();
const text = (p: Page) => p.evaluate(() => document.body.innerText);

/** Everything the extension stored where a page of its own can read it: IndexedDB and both storage areas. */
async function dumpStorage(p: Page): Promise<string> {
  return p.evaluate(async () => {
    const out: unknown[] = [];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((res) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => res(r.result);
        });
        out.push(store, rows);
      }
      db.close();
    }
    out.push(await chrome.storage.local.get(null), await chrome.storage.session.get(null));
    const decoder = new TextDecoder('utf-8', { fatal: false });
    return JSON.stringify(out, (_k, v) => (v instanceof Uint8Array ? decoder.decode(v) + Array.from(v).join(',') : v));
  });
}

beforeAll(async () => {
  upstream = await startUpstream([API_KEY]);
  ext = await launchWithExtension();
  page = await ext.openPage('options.html');
});
afterAll(async () => {
  await ext?.close();
  await upstream?.stop();
});

describe('the vault in a real browser', () => {
  it('onboards with a passphrase', async () => {
    await type(page, 'Passphrase', PASSPHRASE);
    await type(page, 'Confirm passphrase', PASSPHRASE);
    await click(page, 'Create vault');
    await page.waitForSelector(aria('Keys', 'link'));
  });

  it('adds a key pointed at the local upstream, and "Test" reports OK', async () => {
    await page.select(aria('Provider', 'combobox'), 'openai');
    await type(page, 'Label', 'Work');
    await type(page, 'API key', API_KEY);
    await type(page, 'Base URL', `${upstream.url}/v1`);
    await click(page, 'Save key');
    await page.waitForSelector('::-p-text(sk-…CRET)');
    await click(page, 'Test');
    // The upstream accepts only API_KEY, so OK means the real key reached it from the background.
    expect(await page.waitForSelector('::-p-text(OK: the provider accepted this key.)')).toBeTruthy();
  });

  it('reports an invalid key and an unreachable host', async () => {
    await type(page, 'Label', 'Wrong');
    await type(page, 'API key', 'sk-this-key-is-not-accepted-0000');
    await type(page, 'Base URL', `${upstream.url}/v1`);
    await click(page, 'Save key');
    const item = await page.waitForSelector(aria('Wrong (OpenAI)', 'listitem'));
    await (await item!.waitForSelector(aria('Test', 'button')))!.click();
    await page.waitForSelector('::-p-text(Invalid key: the provider refused it.)');

    await type(page, 'Label', 'Nowhere');
    await type(page, 'API key', 'sk-nowhere-0000000000000000');
    await type(page, 'Base URL', 'http://127.0.0.1:9/v1');
    await click(page, 'Save key');
    const far = await page.waitForSelector(aria('Nowhere (OpenAI)', 'listitem'));
    await (await far!.waitForSelector(aria('Test', 'button')))!.click();
    await page.waitForSelector('::-p-text(Could not reach http://127.0.0.1:9/v1.)');
  });

  it('deletes a key only after confirmation', async () => {
    const item = await page.waitForSelector(aria('Nowhere (OpenAI)', 'listitem'));
    await (await item!.waitForSelector(aria('Delete key', 'button')))!.click();
    await click(page, 'Yes, delete');
    await page.waitForFunction(() => !document.body.innerText.includes('Nowhere'));
  });

  it('stores the key nowhere in plaintext', async () => {
    const stored = await dumpStorage(page);
    expect(stored).toContain('sk-…CRET');
    expect(stored).not.toContain(API_KEY);
    expect(stored).not.toContain('okapE2Etest');
    expect(await text(page)).not.toContain(API_KEY);
  });

  it('locks, refuses a wrong passphrase without changing anything, and unlocks', async () => {
    await click(page, 'Lock');
    await type(page, 'Passphrase', 'not my passphrase at all');
    await click(page, 'Unlock');
    const alert = await page.waitForSelector('[role="alert"]');
    expect(await alert!.evaluate((el) => el.textContent)).toContain('Wrong passphrase');
    await type(page, 'Passphrase', PASSPHRASE);
    await click(page, 'Unlock');
    await page.waitForSelector('::-p-text(sk-…CRET)');
    expect(await text(page)).not.toContain(API_KEY);
  });

  it('stays unlocked across a service-worker restart', async () => {
    await ext.stopWorker();
    await page.reload();
    await page.waitForSelector('::-p-text(sk-…CRET)');
  });

  it('is locked once the auto-lock interval has passed, even across a restart', async () => {
    // Make the last activity 31 minutes old (the default interval is 30), as if the browser had sat idle.
    await page.evaluate(async () => {
      const { 'vault-session': state } = await chrome.storage.session.get('vault-session');
      await chrome.storage.session.set({ 'vault-session': { ...(state as object), lastActivity: Date.now() - 31 * 60_000 } });
    });
    await ext.stopWorker();
    await page.reload();
    await page.waitForSelector(aria('Unlock', 'button'));
    expect(await text(page)).not.toContain('sk-…CRET');
  });
});
