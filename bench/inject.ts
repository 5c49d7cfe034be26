// What every web page pays for the extension:
//   1. bytes injected into every page (MAIN-world okap-inpage.js + isolated okap-bridge.js), gzipped;
//   2. load time of a plain local page with and without the extension, as a ratio of medians.
// Run: npm run build && npx tsx bench/inject.ts
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer, { type Page } from 'puppeteer-core';
import { chromePath, chromiumArgs, extensionDir, launchWithExtension } from '../test/support/browser';
import { median } from './stats';

const LOADS = Number(process.env.LOADS ?? 150);

const files = ['okap-inpage.js', 'okap-bridge.js'].map((name) => readFileSync(join(extensionDir, name)));
const raw = files.reduce((n, f) => n + f.length, 0);
const gz = gzipSync(Buffer.concat(files), { level: 9 }).length;
const each = files.map((f) => gzipSync(f, { level: 9 }).length);

const html = '<!doctype html><html><head><title>plain</title></head><body><h1>A plain page</h1><p>Nothing here.</p></body></html>';
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

/** Load event end, from navigation start, in ms: what the page's own Navigation Timing says. */
async function loadTime(page: Page, i: number): Promise<number> {
  await page.goto(`${url}?${i}`, { waitUntil: 'load' });
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
}

// Browser instances differ from one another by more than the effect measured, so: several pairs of
// fresh browsers, and within each pair the loads alternate one by one, so machine noise falls on both.
const PAIRS = Number(process.env.PAIRS ?? 4);
const without: number[] = [];
const withExt: number[] = [];
for (let pair = 0; pair < PAIRS; pair++) {
  const plain = await puppeteer.launch({ executablePath: chromePath(), headless: true, pipe: true, args: chromiumArgs });
  const ext = await launchWithExtension();
  const [a, b] = [await plain.newPage(), await ext.browser.newPage()];
  for (let i = 0; i < LOADS + 20; i++) {
    const [x, y] = [await loadTime(a, i), await loadTime(b, i)];
    // The first loads warm caches and the JIT.
    if (i >= 20) {
      without.push(x);
      withExt.push(y);
    }
  }
  await plain.close();
  await ext.close();
}
server.close();

console.log(`injected into every page: ${raw} B raw, ${gz} B gzipped together (inpage ${each[0]} B + bridge ${each[1]} B gzipped apart); goal ≤ 3072 B`);
console.log(`plain page load, median of ${without.length}: ${median(without).toFixed(2)} ms without, ${median(withExt).toFixed(2)} ms with the extension`);
console.log(`ratio with / without: ${(median(withExt) / median(without)).toFixed(3)} (goal ≤ 1.02)`);
