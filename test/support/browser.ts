import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { firefoxUuid, launchFirefox, navigateWithoutEvents, newTabBeside, reloadWithoutEvents, terminateBackground } from './firefox';
import { until } from './pages';

export { aria } from './pages';

export type BrowserName = 'chromium' | 'firefox';

/** The browser the e2e suites drive: `BROWSER=firefox` (set per vitest project), else Chromium. */
export const browserName: BrowserName = process.env.BROWSER === 'firefox' ? 'firefox' : 'chromium';

export const extensionDir = resolve(import.meta.dirname, '../../.output/chrome-mv3');
export const firefoxExtensionDir = resolve(import.meta.dirname, '../../.output/firefox-mv3');

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

export type StorageArea = 'local' | 'session';

export interface ExtensionBrowser {
  browser: Browser;
  /** Which browser this is; tests that cannot run in one say so in their name (see `chromiumOnly`). */
  name: BrowserName;
  /** The host of the extension's URLs: Chromium's extension id, or Firefox's per-profile UUID. */
  extensionId: string;
  /** `chrome-extension://…` or `moz-extension://…`. */
  origin: string;
  /** A new tab in the browser's main window (never in the approval popup), for a web page. */
  newTab(): Promise<Page>;
  /** Opens one of the extension's pages (`options.html`, `popup.html#…`) in a new tab. */
  openPage(path: string): Promise<Page>;
  /** Takes an open page to another extension page (`options.html#/apps`), waiting until it has loaded. */
  goto(page: Page, path: string): Promise<void>;
  /** Reloads an extension page and waits for the new document. */
  reload(page: Page): Promise<void>;
  /** Stops the background as the browser does when it idles; the next event starts a new one. */
  restartBackground(): Promise<void>;
  /** One of the extension's storage areas, read from an extension page. */
  readStorage(area: StorageArea): Promise<Record<string, unknown>>;
  writeStorage(area: StorageArea, items: Record<string, unknown>): Promise<void>;
  /** The toolbar badge's text. */
  badgeText(): Promise<string>;
  /** Runs a function in a short-lived extension page, where the `browser.*`/`chrome.*` APIs are; returns its JSON result. */
  evaluateInExtension<T, A>(fn: (arg: A) => Promise<T>, arg: A): Promise<T>;
  /** Chromium only: the service worker's handle. */
  worker(): Promise<WebWorker>;
  /** Chromium only (CDP): stops the service worker. Browser-neutral code calls `restartBackground`. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** The production build, loaded into a fresh headless profile of Chromium (the default) or Firefox. */
export async function launchWithExtension(options: { browser?: BrowserName } = {}): Promise<ExtensionBrowser> {
  const name = options.browser ?? 'chromium';
  const dir = name === 'firefox' ? firefoxExtensionDir : extensionDir;
  const build = name === 'firefox' ? 'npm run build:firefox' : 'npm run build';
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`No build at ${dir}: run \`${build}\` first`);
  return name === 'firefox' ? launchFirefoxExtension() : launchChromiumExtension();
}

/** The e2e suites' launcher: the browser their vitest project names (`BROWSER`). */
export function launch(): Promise<ExtensionBrowser> {
  return launchWithExtension({ browser: browserName });
}

/** Runs `fn` in a short-lived extension page: where extension storage and the `chrome.*` APIs are reachable. */
async function inExtensionPage<T, A>(ext: Pick<ExtensionBrowser, 'openPage'>, fn: (arg: A) => Promise<T>, arg: A): Promise<T> {
  const page = await ext.openPage('popup.html');
  try {
    // The function runs in the page; its argument arrives there as JSON, whatever its type here.
    return (await page.evaluate(fn as unknown as (arg: unknown) => Promise<T>, arg)) as T;
  } finally {
    await page.close();
  }
}

interface TestChrome {
  storage: Record<StorageArea, { get(keys: null): Promise<Record<string, unknown>>; set(items: object): Promise<void> }>;
  action: { getBadgeText(details: object): Promise<string> };
}

function commonParts(ext: Pick<ExtensionBrowser, 'openPage'>) {
  // These functions run inside the extension page, so each names the global itself.
  return {
    readStorage: (area: StorageArea) =>
      inExtensionPage(ext, (a) => (globalThis as unknown as { chrome: TestChrome }).chrome.storage[a].get(null), area),
    writeStorage: (area: StorageArea, items: Record<string, unknown>) =>
      inExtensionPage(ext, ([a, i]) => (globalThis as unknown as { chrome: TestChrome }).chrome.storage[a].set(i), [area, items] as const),
    badgeText: () => inExtensionPage(ext, () => (globalThis as unknown as { chrome: TestChrome }).chrome.action.getBadgeText({}), undefined),
    evaluateInExtension: <T, A>(fn: (arg: A) => Promise<T>, arg: A) => inExtensionPage(ext, fn, arg),
  };
}

/** Until the page shows `url` fully loaded; `stale` marks the document being left, for reloads. */
async function loaded(page: Page, url: string, stale = false) {
  await until(
    () => page.evaluate((want, s) => location.href === want && document.readyState === 'complete' && !(s && '__okapStale' in window), url, stale),
    `${url} to load`,
    30_000,
  );
}

async function launchChromiumExtension(): Promise<ExtensionBrowser> {
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
  const origin = `chrome-extension://${extensionId}`;

  async function worker(): Promise<WebWorker> {
    const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`${origin}/`));
    const found = await target.worker();
    if (!found) throw new Error('service worker has no worker handle');
    return found;
  }

  async function stopWorker() {
    // Stopping through the ServiceWorker domain is what chrome://serviceworker-internals does.
    const page = await browser.newPage();
    const client = await page.createCDPSession();
    await client.send('ServiceWorker.enable');
    await client.send('ServiceWorker.stopAllWorkers');
    await page.close();
    await until(async () => !browser.targets().some((t) => t.type() === 'service_worker' && t.url().includes(extensionId)), 'the service worker to stop', 5_000);
  }

  const openPage = async (path: string) => {
    const page = await browser.newPage();
    await page.goto(`${origin}/${path}`);
    return page;
  };
  return {
    browser,
    newTab: () => browser.newPage(),
    name: 'chromium',
    extensionId,
    origin,
    openPage,
    async goto(page, path) {
      await page.goto(`${origin}/${path}`);
      await loaded(page, `${origin}/${path}`);
    },
    async reload(page) {
      await page.reload();
    },
    restartBackground: stopWorker,
    ...commonParts({ openPage }),
    worker,
    stopWorker,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function launchFirefoxExtension(): Promise<ExtensionBrowser> {
  const { browser, profile } = await launchFirefox(firefoxExtensionDir);
  const origin = `moz-extension://${firefoxUuid}`;
  const chromiumOnly = (what: string) => () => Promise.reject(new Error(`${what} needs Chromium's DevTools protocol`));

  async function goto(page: Page, path: string) {
    await navigateWithoutEvents(page, `${origin}/${path}`);
    await loaded(page, `${origin}/${path}`);
  }
  // The tab Firefox opened with, in the main window: new tabs go beside it.
  const [first] = await browser.pages();
  if (!first) throw new Error('Firefox opened no tab');
  const newTab = () => newTabBeside(browser, first);
  const openPage = async (path: string) => {
    const page = await newTab();
    await goto(page, path);
    return page;
  };
  return {
    browser,
    newTab,
    name: 'firefox',
    extensionId: firefoxUuid,
    origin,
    openPage,
    goto,
    async reload(page) {
      const href = await page.evaluate(() => {
        (window as unknown as { __okapStale: boolean }).__okapStale = true;
        return location.href;
      });
      await reloadWithoutEvents(page);
      await loaded(page, href, true);
    },
    async restartBackground() {
      // OKAP_FIREFOX_RELOAD_BACKGROUND=1 takes Firefox 140's road on a newer Firefox, to check it.
      await terminateBackground(first, () => openPage('popup.html'), process.env.OKAP_FIREFOX_RELOAD_BACKGROUND === '1');
      // The pages' ports hear of it a moment later, from another process. A call sent in that moment
      // fails ("The vault restarted. Try again."; the SDKs retry it by default). "After the restart"
      // means after the pages know.
      await new Promise((r) => setTimeout(r, 500));
    },
    ...commonParts({ openPage }),
    worker: chromiumOnly('worker()'),
    stopWorker: chromiumOnly('stopWorker()'),
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
