import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';

export const extensionDir = resolve(import.meta.dirname, '../../.output/chrome-mv3');

/** Debian's Chromium unless CHROME_PATH names another. */
export function chromePath(): string {
  return process.env.CHROME_PATH ?? '/usr/bin/chromium';
}

/** Flags Chromium needs here: root without a sandbox, no GPU, and no calls home on a closed network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** Opens one of the extension's pages (`options.html`, `popup.html#…`) in a new tab. */
  openPage(path: string): Promise<Page>;
  worker(): Promise<WebWorker>;
  /** Stops the service worker, as Chromium does when it idles; the next event starts a new one. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** The production build, loaded into a fresh headless Chromium profile. */
export async function launchWithExtension(): Promise<ExtensionBrowser> {
  if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`No build at ${extensionDir}: run \`npm run build\` first`);
  const profile = mkdtempSync(join(tmpdir(), 'okap-profile-'));
  const browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: true,
    pipe: true,
    enableExtensions: [extensionDir],
    userDataDir: profile,
    args: chromiumArgs,
  });
  const workerTarget = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'));
  const extensionId = new URL(workerTarget.url()).host;

  async function worker(): Promise<WebWorker> {
    const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`));
    const found = await target.worker();
    if (!found) throw new Error('service worker has no worker handle');
    return found;
  }

  return {
    browser,
    extensionId,
    async openPage(path) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    worker,
    async stopWorker() {
      const session = await browser.target().createCDPSession();
      // Stopping through the ServiceWorker domain is what chrome://serviceworker-internals does.
      const page = await browser.newPage();
      const client = await page.createCDPSession();
      await client.send('ServiceWorker.enable');
      await client.send('ServiceWorker.stopAllWorkers');
      await page.close();
      await session.detach();
      const gone = Date.now() + 5_000;
      while (browser.targets().some((t) => t.type() === 'service_worker' && t.url().includes(extensionId))) {
        if (Date.now() > gone) throw new Error('service worker did not stop');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Puppeteer's ARIA selector: the element a screen reader would announce with this role and name. */
export const aria = (name: string, role: string) => `::-p-aria([name="${name}"][role="${role}"])`;
