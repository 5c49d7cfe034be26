// Chaos soak: about 300 mixed calls from two sites through the production build, all three official
// SDKs, streaming and not, some aborted by the app, some cut by the upstream, ten at a time, under
// spend and rate limits, while the service worker is stopped at least 12 times (right after an
// admission, mid-stream, and at seeded random moments). Then every invariant of issue 13 is checked
// against the upstream's own request journal and the vault's database.
// Deterministic enough not to flake: the call mix and the stop schedule come from a seeded generator;
// what varies run to run is only where exactly a stop lands, which no assertion depends on.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { addKey, approvalWindow, approve, createVault } from '../support/flows';
import { buildSdkApp } from '../support/sdk-app';
import { serveStatic } from '../support/site';
import { storeRowsVia } from '../support/storage';
import { startUpstream } from '../support/upstream';
import { installRunner, plan, PROVIDERS, LIMITS, ROUNDS, SEED, seeded, type CallSpec, type Json, type Stop } from './soak-kit';

const REAL_KEY = 'sk-soak-upstream-key-0123456789abcdefXYZ';

let ext: ExtensionBrowser;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let site: Awaited<ReturnType<typeof serveStatic>>;
const pages: Record<'a' | 'b', Page> = {} as Record<'a' | 'b', Page>;
let monitor: Page;

/** Everything in one IndexedDB store of the extension, read from the standing monitor page (polled every 10 ms). */
const storeRows = (store: string): Promise<Json[]> => storeRowsVia<Json>(monitor, store);

/** Started rows (admitted, not settled), of the given calls only when named. */
const startedRows = async (models?: Set<string>) =>
  (await storeRows('usage')).filter((r) => r.status === 'started' && (!models || models.has(r.model))).length;

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/** Adds price overrides for the soak's model names straight into Settings, then restarts the worker to read them. */
async function priceSoakModels(): Promise<void> {
  await monitor.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('okap-vault');
        open.onsuccess = () => {
          const tx = open.result.transaction('meta', 'readwrite');
          const meta = tx.objectStore('meta');
          const get = meta.get('settings');
          get.onsuccess = () => {
            const value = (get.result as { value?: Record<string, unknown> } | undefined)?.value ?? {};
            const priceOverrides = ['openai', 'anthropic', 'google'].map((provider) => ({ provider, model: 'soak-*', inputPerMTok: 1, outputPerMTok: 20 }));
            meta.put({ id: 'settings', value: { ...value, priceOverrides } });
          };
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await ext.stopWorker();
}

beforeAll(async () => {
  upstream = await startUpstream([REAL_KEY]);
  const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa '.repeat(5);
  upstream.onMessage('plain call', { content: 'A short answer.' } as Json);
  upstream.onMessage('slow call', { content: words } as Json, { latency: 40, chunkSize: 8 } as Json);
  upstream.onMessage('cut call', { content: words } as Json, { latency: 20, chunkSize: 6, disconnectAfterMs: 150 } as Json);
  upstream.onMessage('trunc call', { content: words } as Json, { chunkSize: 6, truncateAfterChunks: 3 } as Json);
  site = await serveStatic(await buildSdkApp());
  ext = await launchWithExtension();
  const options = await createVault(ext, 'soak harbor lantern 1313');
  await addKey(options, { kind: 'openai', label: 'OpenAI via mock', secret: REAL_KEY, baseUrl: `${upstream.url}/v1` });
  await addKey(options, { kind: 'anthropic', label: 'Claude via mock', secret: REAL_KEY, baseUrl: upstream.url });
  await addKey(options, { kind: 'google', label: 'Gemini via mock', secret: REAL_KEY, baseUrl: upstream.url });
  await options.close();
  monitor = await ext.openPage('popup.html');
  await priceSoakModels();
  for (const [name, origin] of [
    ['a', site.origin],
    ['b', site.otherOrigin],
  ] as const) {
    const page = await ext.browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'sdk' in window && 'okap' in window);
    for (const provider of PROVIDERS) {
      const pending = page.evaluate(
        async (p, limits) => {
          const w = window as unknown as Json;
          w.grants ??= {};
          w.grants[p] = await w.okap.requestAccess({ provider: p, limits });
        },
        provider,
        LIMITS[name][provider],
      );
      await approve(await approvalWindow(ext));
      await pending;
    }
    await installRunner(page);
    pages[name] = page;
  }
}, 180_000);

afterAll(async () => {
  await ext?.close();
  await upstream?.stop();
  await site?.close();
});

describe('chaos soak', () => {
  it('loses nothing and overspends nothing while the worker is stopped mid-flight', async () => {
    const random = seeded(SEED);
    const { calls, stops } = plan(random);
    const keysBefore = (await storeRows('keys')).map((k) => k.id).sort();
    const grantsBefore = await storeRows('grants');
    expect(grantsBefore).toHaveLength(6);
    upstream.clearRequests();

    const outcomes = new Map<number, string>();
    const stopped: Stop[] = [];
    const started = Date.now();
    for (let r = 0; r < ROUNDS; r++) {
      const round = calls[r]!;
      const stop = stops[r];
      if (stop === 'mid-stream') Object.assign(round[0]!, { kind: 'slow', stream: true, abortAfterMs: undefined });
      const running = round.map((spec) =>
        pages[spec.site].evaluate((s) => (window as unknown as Json).soakCall(s), spec as Json).then((o: string) => void outcomes.set(spec.id, o)),
      );
      const models = new Set(round.map((c) => c.model));
      if (stop === 'after-admission') {
        // As soon as one of this round's admissions is committed (its started row exists), before its answer.
        await until(async () => (await startedRows(models)) > 0, 5_000);
      } else if (stop === 'mid-stream') {
        await until(async () => (await startedRows(models)) > 0, 5_000);
        await new Promise((r) => setTimeout(r, 400));
      } else if (stop === 'random') {
        await new Promise((r) => setTimeout(r, Math.floor(random() * 1500)));
      }
      if (stop) {
        await ext.stopWorker();
        stopped.push(stop);
      }
      await Promise.all(running);
    }
    // A last call from each site wakes a worker, whose start recovers whatever the last stop left.
    for (const name of ['a', 'b'] as const) {
      const spec: CallSpec = { id: 9000 + (name === 'a' ? 1 : 2), site: name, provider: 'openai', model: `soak-o-900${name === 'a' ? 1 : 2}`, stream: false, kind: 'plain' };
      outcomes.set(spec.id, await pages[name].evaluate((s) => (window as unknown as Json).soakCall(s), spec as Json));
    }
    const seconds = (Date.now() - started) / 1000;
    expect(await until(async () => (await storeRows('reservations')).length === 0 && (await startedRows()) === 0, 20_000)).toBe(true);

    const total = outcomes.size;
    const tally = new Map<string, number>();
    for (const o of outcomes.values()) tally.set(o, (tally.get(o) ?? 0) + 1);
    console.log(
      `soak: ${total} calls in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(1)} calls/s), ${stopped.length} worker stops (${stopped.join(', ')}), seed ${SEED}\n` +
        [...tally].map(([o, n]) => `  ${n} × ${o}`).join('\n'),
    );

    const rows = await storeRows('usage');
    const byStatus = new Map<string, number>();
    for (const r of rows) byStatus.set(String(r.status), (byStatus.get(String(r.status)) ?? 0) + 1);
    console.log(`soak: ${rows.length} usage rows by status: ${[...byStatus].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    const journal = upstream.getRequests();
    const modelOf = (entry: Json): string | undefined =>
      entry.body?.model ?? /\/models\/([^/:]+):/.exec(entry.path)?.[1];
    const sent = new Map<string, number>();
    for (const entry of journal) {
      const model = modelOf(entry);
      if (model?.startsWith('soak-')) sent.set(model, (sent.get(model) ?? 0) + 1);
    }
    const rowsByModel = new Map<string, Json[]>();
    for (const row of rows) rowsByModel.set(row.model, [...(rowsByModel.get(row.model) ?? []), row]);

    // Each request the upstream received has exactly one usage row, finished; the wallet never sent a call twice.
    expect(sent.size).toBeGreaterThan(100);
    const resent: string[] = [];
    for (const [model, count] of sent) {
      const mine = rowsByModel.get(model) ?? [];
      expect(mine.length, model).toBe(1);
      expect(mine[0].status, model).not.toBe('started');
      // The wallet fetches once. When the upstream drops the connection before any answer byte, Chromium's
      // network stack re-sends the same request on its own (same headers, same retry count); the call is
      // then logged once, as `unreachable`. Any other call reached the upstream exactly once.
      if (count > 1) {
        const spec = calls.flat().find((c) => c.model === model);
        resent.push(`${model} (${spec?.kind}${spec?.stream ? ', stream' : ''}) ×${count} → ${mine[0].status}`);
        expect(['unreachable', 'interrupted', 'aborted'], model).toContain(mine[0].status);
      }
    }
    console.log(`soak: ${sent.size} calls reached the upstream; re-sent by the browser after a dropped connection: ${resent.join(', ') || 'none'}`);
    // No row for a call the upstream never saw, unless refused (the vault's own 4xx/5xx, nothing billed),
    // interrupted (its worker died between admission and the send: billed its reservation, an upper bound),
    // or aborted by the app before it was sent (nothing billed).
    const unseen = rows.filter((row) => !sent.has(row.model));
    console.log(`soak: rows for calls the upstream never saw: ${JSON.stringify(Object.fromEntries([...new Set(unseen.map((r) => r.status))].map((s) => [s, unseen.filter((r) => r.status === s).length])))}`);
    for (const row of unseen) {
      const refused = typeof row.status === 'number' && row.status >= 400 && row.costUsd === 0;
      const beforeSend = row.status === 'interrupted' || (row.status === 'aborted' && row.costUsd === 0);
      expect(refused || beforeSend, JSON.stringify(row)).toBe(true);
    }
    // Every call the app made is accounted for: a row, or a failure the app saw before any grant matched (none here).
    for (const round of calls) for (const spec of round) expect(rowsByModel.has(spec.model) || !outcomes.get(spec.id)?.startsWith('ok'), spec.model).toBe(true);

    // The limits were exercised: refusals for rate and budget happened.
    const statuses = rows.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect([...outcomes.values()].some((o) => o.includes('rate_limited'))).toBe(true);
    expect(rows.some((r) => r.status === 'interrupted' || r.status === 'aborted' || r.status === 'cut')).toBe(true);

    // Counters equal the sum of the rows; requests equal admitted rows; no reservation left.
    const grants = await storeRows('grants');
    const counters = await storeRows('counters');
    expect(await storeRows('reservations')).toEqual([]);
    for (const c of counters) {
      const mine = rows.filter((r) => r.grantId === c.grantId && r.provider === c.provider);
      const spent = mine.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
      const admitted = mine.filter((r) => sent.has(r.model) || r.status === 'interrupted' || r.status === 'aborted').length;
      expect(c.daySpentUsd, `${c.grantId}/${c.provider} day`).toBeCloseTo(spent, 9);
      expect(c.monthSpentUsd, `${c.grantId}/${c.provider} month`).toBeCloseTo(spent, 9);
      expect(c.dayRequests, `${c.grantId}/${c.provider} requests`).toBe(admitted);
      // Spend never exceeded a limit.
      const limits = grants.find((g) => g.id === c.grantId)?.details.find((d: Json) => d.provider === c.provider)?.limits ?? {};
      if (limits.daily_spend !== undefined) expect(c.daySpentUsd).toBeLessThanOrEqual(limits.daily_spend + 1e-9);
      if (limits.monthly_spend !== undefined) expect(c.monthSpentUsd).toBeLessThanOrEqual(limits.monthly_spend + 1e-9);
      expect(c.overrun).toBeUndefined();
    }
    expect(counters.length).toBe(6);

    // No grant or key lost; the vault still unlocked.
    expect((await storeRows('keys')).map((k) => k.id).sort()).toEqual(keysBefore);
    expect(grants.map((g) => [g.id, g.tokenHash, g.revokedAt]).sort()).toEqual(grantsBefore.map((g) => [g.id, g.tokenHash, g.revokedAt]).sort());
    const popup = await ext.openPage('popup.html');
    await popup.waitForSelector('::-p-text(Unlocked.)');
    await popup.close();
    expect(stopped.length).toBeGreaterThanOrEqual(10);
    expect([...outcomes.values()].filter((o) => o === 'hung')).toEqual([]);
  }, 600_000);
});

describe('storage that cannot commit', () => {
  // Chromium ignores quota overrides for an extension with unlimitedStorage, so the failure injected here is a
  // blocked database: another context opens it at a newer version, drops the reservations table and keeps its
  // connection open, so the worker's database cannot reopen until it lets go. A full quota is covered in
  // lib/proxy/handle.storage.test.ts.
  it('refuses calls with a 503 in the provider’s shape, sends nothing, says why in the popup and on the dashboard, and recovers', async () => {
    // A grant of its own, so the limits the soak used up do not interfere. Asked from the tab in
    // front: a background tab's request would wait quietly for the toolbar button.
    await pages.a.bringToFront();
    const granted = pages.a.evaluate(async () => {
      const w = window as unknown as Json;
      w.grants.storage = await w.okap.requestAccess({ provider: 'openai', limits: { daily_spend: 5 } });
    });
    await approve(await approvalWindow(ext));
    await granted;
    upstream.clearRequests();
    const call = (id: number) =>
      pages.a.evaluate(
        (s) => (window as unknown as Json).soakCall(s),
        { id, site: 'a', provider: 'openai', model: `soak-o-${id}`, stream: false, kind: 'plain', grant: 'storage' } as Json,
      );
    expect(await call(9101)).toBe('ok');
    expect(upstream.getRequests()).toHaveLength(1);
    await monitor.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('okap-vault', 10_000);
          open.onupgradeneeded = () => open.result.deleteObjectStore('reservations');
          open.onsuccess = () => {
            // Held, and deaf to the worker's requests to close it.
            (window as unknown as { held: IDBDatabase }).held = open.result;
            resolve();
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(await call(9102)).toMatch(/503 storage_unavailable/);
    expect(upstream.getRequests()).toHaveLength(1);

    const popup = await ext.openPage('popup.html');
    await popup.waitForSelector('::-p-text(Apps’ calls are refused)');
    expect(await popup.evaluate(() => document.body.innerText)).toContain('database is closed or blocked');
    await popup.close();
    const dashboard = await ext.openPage('options.html#/activity');
    await dashboard.waitForSelector('::-p-text(Apps’ calls are refused: the wallet cannot record them.)');
    await dashboard.close();

    // Let go: the worker's database reopens (and restores its table), calls are recorded and sent again.
    await monitor.evaluate(() => (window as unknown as { held: IDBDatabase }).held.close());
    const rows = async () => (await storeRows('usage')).filter((r) => String(r.model).startsWith('soak-o-91'));
    await until(async () => (await rows()).length >= 2, 20_000);
    expect(await call(9103)).toBe('ok');
    expect(upstream.getRequests()).toHaveLength(2);
    // The refused call has its refusal row only: the admission that landed late was taken back.
    expect((await rows()).map((r) => [r.model, r.status]).sort()).toEqual([
      ['soak-o-9101', 200],
      ['soak-o-9102', 503],
      ['soak-o-9103', 200],
    ]);
    expect(await storeRows('reservations')).toEqual([]);
  }, 120_000);
});
