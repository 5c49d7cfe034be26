// The Activity page over 100,000 stored calls, in the production build in headless Chromium:
//   - open: from navigating to #/activity to its first rendered rows;
//   - filter: from choosing one app and a 7-day range to the filtered rows drawn;
//   - export: "Export CSV" of all 100,000 rows, from the click to the finished file (a Blob);
//   - the options page's JavaScript, gzipped.
// Run: npx wxt build && npx tsx bench/activity.ts
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchWithExtension } from '../test/support/browser';
import { createVault } from '../test/support/flows';
import { selectOption } from '../test/support/pages';
import { fmt, median } from './stats';

const N = 100_000;
const RUNS = Number(process.env.RUNS ?? 5);
const DAY = 86_400_000;
const ORIGINS = ['https://alpha.example', 'https://beta.example', 'https://gamma.example', 'https://delta.example', 'https://epsilon.example'];

// What options.html loads on open: its script and the chunks it preloads (lazy chunks, such as the
// passphrase estimator's dictionaries, are listed apart).
const html = readFileSync('.output/chrome-mv3/options.html', 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/?(chunks\/[^"]+\.js)"/g)].map((m) => m[1]!);
const gz = (file: string) => gzipSync(readFileSync(join('.output/chrome-mv3', file))).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(`options page JS on open, gzipped: ${kb(initial.reduce((s, f) => s + gz(f), 0))} (${initial.map((f) => `${f.replace('chunks/', '')} ${kb(gz(f))}`).join(', ')})`);
const lazy = readdirSync('.output/chrome-mv3/chunks').filter((f) => f.endsWith('.js') && !initial.includes(`chunks/${f}`) && !/^(popup|approve|background)-/.test(f));
console.log(`loaded later or by other pages: ${lazy.map((f) => `${f} ${kb(gz(`chunks/${f}`))}`).join(', ')}`);

const ext = await launchWithExtension();
try {
  const page = await createVault(ext, 'bench passphrase for activity');
  const now = Date.now();
  await page.evaluate(
    async (n, day, at, origins) => {
      const db = await new Promise<IDBDatabase>((ok) => {
        const r = indexedDB.open('okap-vault');
        r.onsuccess = () => ok(r.result);
      });
      const tx = db.transaction('usage', 'readwrite');
      for (let i = 0; i < n; i++)
        tx.objectStore('usage').put({
          id: `b-${i}`,
          time: at - Math.floor((i / n) * 90 * day),
          origin: origins[i % origins.length],
          grantId: `g-${i % origins.length}`,
          provider: 'openai',
          model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
          endpoint: '/chat/completions',
          status: 200,
          inputTokens: i % 1000,
          outputTokens: i % 100,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
          costUsd: (i % 97) / 1e5,
          latencyMs: 300,
        });
      await new Promise((ok) => (tx.oncomplete = ok));
      db.close();
    },
    N,
    DAY,
    now,
    ORIGINS,
  );
  const open: number[] = [];
  const filter: number[] = [];
  const exportMs: number[] = [];
  const from = new Date(now - 6 * DAY);
  const fromText = `${from.getFullYear()}-${String(from.getMonth() + 1).padStart(2, '0')}-${String(from.getDate()).padStart(2, '0')}`;
  for (let run = 0; run < RUNS; run++) {
    await ext.goto(page, 'options.html#/keys');
    let start = performance.now();
    await ext.goto(page, 'options.html#/activity');
    await page.waitForSelector('.activity-summary');
    open.push(performance.now() - start);

    start = performance.now();
    await selectOption(page, 'App', ORIGINS[run % ORIGINS.length]!);
    await page.$eval(
      'input[type="date"]',
      (el, v) => {
        const input = el as HTMLInputElement;
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      },
      fromText,
    );
    await page.waitForFunction((host) => {
      const first = document.querySelector('[data-index="0"] .activity-summary');
      return !!first && first.textContent!.includes(host) && /^[\d,.\s ]+ calls$/.test(document.querySelector('[data-testid="activity-count"]')!.textContent!) && Number(document.querySelector('[data-testid="activity-count"]')!.textContent!.replace(/\D/g, '')) < 10_000;
    }, {}, new URL(ORIGINS[run % ORIGINS.length]!).host);
    filter.push(performance.now() - start);

    await ext.goto(page, 'options.html#/keys');
    await ext.goto(page, 'options.html#/activity');
    await page.waitForSelector('.activity-summary');
    await page.evaluate(() => {
      const w = window as unknown as { blobs: Blob[] };
      w.blobs = [];
      const original = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (b: Blob | MediaSource) => (w.blobs.push(b as Blob), original(b));
    });
    start = performance.now();
    await (await page.waitForSelector('::-p-aria([name="Export CSV"][role="button"])'))!.click();
    await page.waitForFunction(() => (window as unknown as { blobs: Blob[] }).blobs.length > 0, { timeout: 120_000 });
    exportMs.push(performance.now() - start);
    const size = await page.evaluate(() => (window as unknown as { blobs: Blob[] }).blobs[0]!.size);
    if (run === 0) console.log(`CSV of ${N} rows: ${(size / 1e6).toFixed(1)} MB`);
  }
  console.log(`first Activity rows with ${N} stored: median ${fmt(median(open))} (${open.map(fmt).join(', ')})`);
  console.log(`filter one app + 7 days: median ${fmt(median(filter))} (${filter.map(fmt).join(', ')})`);
  console.log(`export ${N} rows to CSV: median ${fmt(median(exportMs))} (${exportMs.map(fmt).join(', ')})`);
} finally {
  await ext.close();
}
