#!/usr/bin/env node
// `npm start`: build the extension, then open Chromium with it loaded (and, where there is no
// display, say how to load the built folder by hand).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const extensionDir = resolve('.output/chrome-mv3');

// The demo app, on localhost so the extension's content scripts run in it.
const demoFiles = { '/': ['index.html', 'text/html; charset=utf-8'], '/app.js': ['app.js', 'text/javascript'] };
const demo = createServer((req, res) => {
  const file = demoFiles[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) return void res.writeHead(404).end('not found');
  res.writeHead(200, { 'content-type': file[1] }).end(readFileSync(resolve('demo', file[0])));
});
const port = Number(process.env.DEMO_PORT ?? 5175);
await new Promise((ok) => demo.listen(port, '127.0.0.1', ok));
const demoUrl = `http://localhost:${port}/`;
console.log(`Demo app: ${demoUrl}`);
const chrome = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const hasDisplay = process.platform === 'darwin' || process.platform === 'win32' || !!(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

function byHand(reason) {
  console.log(`\n${reason}\nLoad the extension by hand:
  1. Open chrome://extensions in Chrome or Chromium and turn on "Developer mode".
  2. Click "Load unpacked" and choose ${extensionDir}
  3. Click the OKAP Wallet icon, then "Set up the vault".
  4. Open the demo app at ${demoUrl} and press "Connect your vault".
The demo server keeps running; press Ctrl+C to stop it.`);
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
  await (await browser.newPage()).goto(demoUrl);
  console.log('\nOKAP Wallet is running in Chromium, with the demo app in a second tab. Close the browser to stop.');
  browser.on('disconnected', () => process.exit(0));
}
