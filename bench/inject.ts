// What every web page pays for the extension:
//   1. bytes injected into every page (MAIN-world okap-inpage.js + isolated okap-bridge.js), gzipped;
//   2. load time of a plain local page in four browsers side by side, loads alternating one by one:
//      no extension, two empty content scripts (MAIN + isolated, document_start, all frames), one
//      empty MAIN script alone, and the wallet. The differences of medians are the cost per page load.
// Run: npm run build && npx tsx bench/inject.ts   (LOADS=… loads per browser and round, ROUNDS=… rounds)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { chromePath, chromiumArgs, extensionDir } from '../test/support/browser';
import { median } from './stats';

const LOADS = Number(process.env.LOADS ?? 90);
const ROUNDS = Number(process.env.ROUNDS ?? 4);

const files = ['okap-inpage.js', 'okap-bridge.js'].map((name) => readFileSync(join(extensionDir, name)));
const raw = files.reduce((n, f) => n + f.length, 0);
const gz = gzipSync(Buffer.concat(files), { level: 9 }).length;
const each = files.map((f) => gzipSync(f, { level: 9 }).length);

/** An extension of empty content scripts, written to a temporary folder, to price the mechanism alone. */
function emptyScripts(scripts: { world?: 'MAIN'; run_at?: string; from?: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'okap-bench-ext-'));
  const content_scripts = scripts.map(({ from, ...s }, i) => {
    writeFileSync(join(dir, `s${i}.js`), from ? readFileSync(join(extensionDir, from)) : '');
    return { matches: ['http://*/*', 'https://*/*'], js: [`s${i}.js`], run_at: 'document_start', all_frames: true, ...s };
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'bench', version: '1.0', content_scripts }));
  return dir;
}

const variants: { name: string; dir?: string }[] = [
  { name: 'no extension' },
  { name: 'two empty scripts (MAIN + isolated)', dir: emptyScripts([{ world: 'MAIN' }, {}]) },
  { name: 'one empty MAIN script', dir: emptyScripts([{ world: 'MAIN' }]) },
  { name: 'the wallet', dir: extensionDir },
  // DIAG=1: where the wallet's cost comes from. Its own two scripts without the rest of the extension,
  // and the MAIN script alone.
  ...(process.env.DIAG
    ? [
        { name: "wallet's scripts only", dir: emptyScripts([{ world: 'MAIN', from: 'okap-inpage.js' }, { run_at: 'document_idle', from: 'okap-bridge.js' }]) },
        { name: "wallet's MAIN script only", dir: emptyScripts([{ world: 'MAIN', from: 'okap-inpage.js' }]) },
        { name: 'empty MAIN + empty idle isolated', dir: emptyScripts([{ world: 'MAIN' }, { run_at: 'document_idle' }]) },
      ]
    : []),
];

const html = '<!doctype html><html><head><title>plain</title></head><body><h1>A plain page</h1><p>Nothing here.</p></body></html>';
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;

/** Load event end and DOMContentLoaded end, from navigation start, in ms: the page's own Navigation Timing. */
async function loadTime(page: Page, i: number): Promise<[number, number]> {
  await page.goto(`${url}?${i}`, { waitUntil: 'load' });
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return [nav.loadEventEnd, nav.domContentLoadedEventEnd] as [number, number];
  });
}

// Browser instances differ from one another by more than the effect measured, so: several rounds of
// fresh browsers, and within each round the loads alternate one by one, so machine noise falls on all.
const samples = variants.map(() => [] as number[]);
const dcl = variants.map(() => [] as number[]);
for (let round = 0; round < ROUNDS; round++) {
  const browsers: Browser[] = [];
  for (const v of variants) {
    const profile = mkdtempSync(join(tmpdir(), 'okap-bench-profile-'));
    browsers.push(
      await puppeteer.launch({ executablePath: chromePath(), headless: true, pipe: true, userDataDir: profile, args: chromiumArgs, ...(v.dir && { enableExtensions: [v.dir] }) }),
    );
  }
  const pages = await Promise.all(browsers.map((b) => b.newPage()));
  for (let i = 0; i < LOADS + 20; i++) {
    for (const [k, page] of pages.entries()) {
      const [load, ready] = await loadTime(page, i);
      // The first loads warm caches and the JIT.
      if (i >= 20) {
        samples[k]!.push(load);
        dcl[k]!.push(ready);
      }
    }
  }
  await Promise.all(browsers.map((b) => b.close()));
}
server.close();
for (const v of variants) if (v.dir && v.dir !== extensionDir) rmSync(v.dir, { recursive: true });

console.log(`injected into every page: ${raw} B raw, ${gz} B gzipped together (inpage ${each[0]} B + bridge ${each[1]} B gzipped apart); goal ≤ 3072 B`);
const base = median(samples[0]!);
for (const [k, v] of variants.entries()) {
  const m = median(samples[k]!);
  // Also the median of paired differences (load i with this variant minus load i without): steadier
  // than a difference of medians when the machine's load drifts during the run.
  const paired = median(samples[k]!.map((t, i) => t - samples[0]![i]!));
  const ready = median(dcl[k]!.map((t, i) => t - dcl[0]![i]!));
  console.log(
    `${v.name.padEnd(36)} median load of ${samples[k]!.length}: ${m.toFixed(2)} ms, added ${(m - base).toFixed(2)} ms (paired ${paired.toFixed(2)} ms); DOMContentLoaded added (paired) ${ready.toFixed(2)} ms`,
  );
}
console.log('goal: the wallet adds ≤ 0.5 ms per plain page load');
