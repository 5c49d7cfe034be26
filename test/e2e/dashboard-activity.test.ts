import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type ExtensionBrowser } from '../support/browser';
import { createVault } from '../support/flows';
import { clickButton, find, selectOption, until } from '../support/pages';

// Activity over a large history: 100,000 rows seeded straight into the vault's database, then read,
// filtered, scrolled and exported through the page as a person would.
const N = 100_000;
const DAY = 86_400_000;
const NOW = Date.now();
const ORIGINS = ['https://alpha.example', 'https://beta.example', 'https://gamma.example', 'https://delta.example'];
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5'];

interface Row {
  id: string;
  time: number;
  origin: string;
  model: string;
  status: number | string;
  costUsd: number;
}

/** The same rows the page seeds, made here to know what each filter must find. */
function makeRows(): Row[] {
  return Array.from({ length: N }, (_, i) => ({
    id: `seed-${i}`,
    time: NOW - Math.floor((i / N) * 60 * DAY) - 1000,
    origin: ORIGINS[i % ORIGINS.length]!,
    model: MODELS[i % MODELS.length]!,
    status: i % 50 === 0 ? 429 : 200,
    costUsd: Math.round(((i % 997) / 997) * 1e6) / 1e7,
  }));
}

let ext: ExtensionBrowser;
let options: Page;
const rows = makeRows();
const localDate = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

beforeAll(async () => {
  ext = await launch();
  options = await createVault(ext, 'violet harbor lantern 42');
  await options.evaluate(
    async (n, day, now, origins, models) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('okap-vault');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      const tx = db.transaction('usage', 'readwrite');
      const store = tx.objectStore('usage');
      for (let i = 0; i < n; i++) {
        store.put({
          id: `seed-${i}`,
          time: now - Math.floor((i / n) * 60 * day) - 1000,
          origin: origins[i % origins.length],
          grantId: `grant-${i % origins.length}`,
          provider: models[i % models.length]!.startsWith('claude') ? 'anthropic' : 'openai',
          model: models[i % models.length],
          endpoint: '/chat/completions',
          status: i % 50 === 0 ? 429 : 200,
          inputTokens: i % 1000,
          outputTokens: i % 100,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
          costUsd: Math.round(((i % 997) / 997) * 1e6) / 1e7,
          latencyMs: 100 + (i % 400),
          ttfbMs: 50,
        });
      }
      await new Promise((ok, fail) => {
        tx.oncomplete = ok;
        tx.onerror = () => fail(tx.error);
      });
      db.close();
    },
    N,
    DAY,
    NOW,
    ORIGINS,
    MODELS,
  );
}, 180_000);

afterAll(async () => {
  await ext?.close();
});

const countShown = async () => Number((await (await find(options, '[data-testid="activity-count"]')).evaluate((el) => el.textContent ?? '')).replace(/\D/g, ''));

describe('Activity with 100,000 rows', () => {
  it('opens, filters by app and date range, and scrolls to the end', async () => {
    await ext.goto(options, 'options.html#/activity');
    await until(async () => (await countShown()) === N, 'all rows counted');
    // The newest row is drawn first.
    await find(options, `::-p-text(${new URL(ORIGINS[0]!).host})`);

    const from = NOW - 6 * DAY;
    await selectOption(options, 'App', ORIGINS[1]!);
    const fromInput = await find(options, 'input[type="date"]');
    await fromInput.evaluate((el, v) => {
      // React listens for the native input event; set the value the way the date picker does.
      const input = el as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, localDate(from));
    const start = new Date(`${localDate(from)}T00:00:00`).getTime();
    const expected = rows.filter((r) => r.origin === ORIGINS[1] && r.time >= start);
    expect(expected.length).toBeGreaterThan(1000);
    await until(async () => (await countShown()) === expected.length, 'the filtered count');

    // Scroll to the end: the last row of the filter is drawn, with its data.
    const oldest = expected[expected.length - 1]!;
    await until(async () => {
      await options.evaluate(() => {
        const s = document.querySelector('[data-testid="activity-scroll"]')!;
        s.scrollTop = s.scrollHeight;
      });
      const last = await options.$(`[data-index="${expected.length - 1}"] .activity-summary`);
      // A row still loading is a placeholder without a summary; this one has its data.
      return last;
    }, 'the last row');
    const lastText = await (await find(options, `[data-index="${expected.length - 1}"] .activity-summary`)).evaluate((el) => el.textContent ?? '');
    expect(lastText).toContain(new URL(oldest.origin).host);
    expect(lastText).toContain(oldest.model);
  });

  it('exports exactly the filtered rows as CSV, with its header and plain numbers', async () => {
    await selectOption(options, 'Status', '429');
    const expected = rows.filter((r) => r.origin === ORIGINS[1] && r.time >= new Date(`${localDate(NOW - 6 * DAY)}T00:00:00`).getTime() && r.status === 429);
    await until(async () => (await countShown()) === expected.length, 'the filtered count');
    await options.evaluate(() => {
      const w = window as unknown as { blobs: Blob[] };
      w.blobs = [];
      const original = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob: Blob | MediaSource) => (w.blobs.push(blob as Blob), original(blob));
    });
    await clickButton(options, 'Export CSV');
    await until(() => options.evaluate(() => (window as unknown as { blobs: Blob[] }).blobs.length > 0), 'the CSV');
    const csv = await options.evaluate(() => (window as unknown as { blobs: Blob[] }).blobs[0]!.text());
    const lines = csv.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['id', 'time', 'origin', 'model', 'status', 'costUsd']));
    const body = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    expect(body.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
    for (const r of body) {
      const want = expected.find((e) => e.id === r.id)!;
      // Numbers as a spreadsheet reads them: plain decimals, a point, no currency sign or grouping.
      expect(r.costUsd).toMatch(/^\d+(\.\d+)?(e-\d+)?$/);
      expect(Number(r.costUsd)).toBe(want.costUsd);
      expect(r.status).toBe('429');
      expect(new Date(r.time!).getTime()).toBe(want.time);
    }
  });
});
