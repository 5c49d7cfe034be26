#!/usr/bin/env node
// `npm start`: build the extension, then open Chromium with it loaded (and, where there is no
// display, say how to load the built folder by hand).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const extensionDir = resolve('.output/chrome-mv3');
const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const hasDisplay = process.platform === 'darwin' || process.platform === 'win32' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

function byHand(reason) {
  console.log(`\n${reason}\nLoad the extension by hand:
  1. Open chrome://extensions in Chrome or Chromium and turn on "Developer mode".
  2. Click "Load unpacked" and choose ${extensionDir}
  3. Click the OKAP Wallet icon, then "Set up the vault".`);
}

if (!hasDisplay) byHand('There is no display here, so no browser window can open.');
else if (!existsSync(chrome)) byHand(`No Chromium at ${chrome} (set CHROME_PATH to your Chrome or Chromium).`);
else {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    executablePath: chrome,
    headless: false,
    pipe: true,
    enableExtensions: [extensionDir],
    userDataDir: mkdtempSync(join(tmpdir(), 'okap-wallet-')),
    defaultViewport: null,
    args: ['--no-first-run', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
  const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'));
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  await page.goto(`chrome-extension://${new URL(worker.url()).host}/options.html`);
  console.log('\nOKAP Wallet is running in Chromium. Close the browser window to stop.');
  browser.on('disconnected', () => process.exit(0));
}
