import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmitRequest } from '../../lib/limits';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import type { Database } from '../db/sql';
import { sqlLedger } from './sql-ledger';
import { recoverInterruptedCalls } from '../../lib/proxy';
import type { UsageRow } from '../../lib/usage/types';

const T0 = Date.parse('2026-03-10T12:00:00Z');
let db: Database;
let grants = 0;

beforeAll(async () => {
  db = await openPglite(undefined);
  await migrate(db);
}, 60_000);
afterAll(async () => db?.close());

const fresh = () => `g${++grants}`;
const request = (grantId: string, over: Partial<AdmitRequest> = {}): AdmitRequest => ({
  grantId,
  provider: 'openai',
  limits: {},
  estimateUsd: 0.01,
  now: T0,
  label: { origin: 'app:test', endpoint: '/chat/completions', model: 'gpt-4o-mini' },
  ...over,
});

describe('the SQL ledger', () => {
  const ledger = () => sqlLedger(db, { instance: 1, timeZone: 'UTC', now: () => T0 });

  it('admits exactly requests_per_minute of a concurrent burst, and says when a slot frees', async () => {
    const g = fresh();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => ledger().admit(request(g, { limits: { requests_per_minute: 10 }, now: T0 + i }))));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, kind: 'rate_limited' });
    expect(await ledger().admit(request(g, { limits: { requests_per_minute: 10 }, now: T0 + 60_001 }))).toMatchObject({ ok: true });
  });

  it('holds a reservation until it settles, then counts the real cost instead', async () => {
    const g = fresh();
    const limits = { daily_spend: 0.025 };
    const first = await ledger().admit(request(g, { limits }));
    const second = await ledger().admit(request(g, { limits }));
    expect(first.ok && second.ok).toBe(true);
    expect(await ledger().admit(request(g, { limits }))).toEqual({ ok: false, kind: 'budget_exhausted' });
    if (!first.ok) throw new Error('unreachable');
    expect(await ledger().settle(first.reservation, 0.001, T0 + 10)).toBe(true);
    expect(await ledger().settle(first.reservation, 0.001, T0 + 10)).toBe(false);
    // 0.001 spent + 0.01 held + 0.01 new = 0.021 ≤ 0.025
    expect(await ledger().admit(request(g, { limits }))).toMatchObject({ ok: true });
    const [row] = await db.query<{ day_spent_usd: number }>('SELECT day_spent_usd FROM counters WHERE grant_id = $1', [g]);
    expect(row?.day_spent_usd).toBeCloseTo(0.001);
  });

  it('refuses a spend-limited call without a price, and counts requests per day by calendar day', async () => {
    const g = fresh();
    expect(await ledger().admit(request(g, { limits: { monthly_spend: 1 }, estimateUsd: undefined }))).toEqual({ ok: false, kind: 'price_unknown' });
    const limits = { requests_per_day: 2 };
    expect((await ledger().admit(request(g, { limits }))).ok).toBe(true);
    expect((await ledger().admit(request(g, { limits }))).ok).toBe(true);
    expect(await ledger().admit(request(g, { limits }))).toMatchObject({ ok: false, kind: 'rate_limited', retryAfterSeconds: 12 * 3600 });
    expect((await ledger().admit(request(g, { limits, now: T0 + 12 * 3600_000 }))).ok).toBe(true);
  });

  it('bills the reservations of a process that is gone, once, at their reserved amount', async () => {
    const g = fresh();
    const gone = sqlLedger(db, { instance: 77, timeZone: 'UTC' });
    const admitted = await gone.admit(request(g, { estimateUsd: 0.5 }));
    expect(admitted.ok).toBe(true);
    const recovered = await recoverInterruptedCalls({ limits: ledger() });
    expect(recovered).toBeGreaterThan(0);
    const [row] = await db.query<{ month_spent_usd: number }>('SELECT month_spent_usd FROM counters WHERE grant_id = $1', [g]);
    expect(row?.month_spent_usd).toBe(0.5);
    expect(await ledger().recoverOrphans()).toEqual([]);
  });
});

const started: Omit<UsageRow, 'id'> = {
  time: T0,
  origin: 'app:test',
  grantId: '',
  provider: 'openai',
  model: 'gpt-4o-mini',
  endpoint: '/chat/completions',
  status: 'started',
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};
const usageOf = (id: string) => db.query<{ status: string; cost_usd: number | null; output_tokens: number }>('SELECT status, cost_usd, output_tokens FROM usage WHERE id = $1', [id]);

describe('the SQL ledger, write-ahead (issue 13)', () => {
  const ledger = () => sqlLedger(db, { instance: 1, timeZone: 'UTC', now: () => T0 });

  it('commits the started row with the reservation; settling completes it once', async () => {
    const g = fresh();
    const admitted = await ledger().admit(request(g, { row: { ...started, grantId: g } }));
    if (!admitted.ok) throw new Error('not admitted');
    expect(await usageOf(admitted.reservation.id)).toEqual([{ status: 'started', cost_usd: null, output_tokens: 0 }]);
    const done: UsageRow = { ...started, id: admitted.reservation.id, grantId: g, status: 200, outputTokens: 7, costUsd: 0.004 };
    expect(await ledger().settle(admitted.reservation, 0.004, T0 + 5, done)).toBe(true);
    expect(await usageOf(admitted.reservation.id)).toEqual([{ status: '200', cost_usd: 0.004, output_tokens: 7 }]);
    // Settling twice changes nothing: neither the counters nor the row.
    expect(await ledger().settle(admitted.reservation, 9, T0 + 6, { ...done, status: 500, costUsd: 9 })).toBe(false);
    expect(await usageOf(admitted.reservation.id)).toEqual([{ status: '200', cost_usd: 0.004, output_tokens: 7 }]);
    expect((await ledger().snapshot(g, 'openai', T0 + 7)).daySpentUsd).toBeCloseTo(0.004);
  });

  it('a refusal writes no row', async () => {
    const g = fresh();
    const result = await ledger().admit(request(g, { limits: { daily_spend: 0.001 }, row: { ...started, grantId: g } }));
    expect(result).toEqual({ ok: false, kind: 'budget_exhausted' });
    expect(await db.query('SELECT id FROM usage WHERE grant_id = $1', [g])).toEqual([]);
  });

  it('recovery completes the started row as interrupted, billed its reservation', async () => {
    const g = fresh();
    const gone = sqlLedger(db, { instance: 78, timeZone: 'UTC' });
    const admitted = await gone.admit(request(g, { estimateUsd: 0.25, row: { ...started, grantId: g } }));
    if (!admitted.ok) throw new Error('not admitted');
    await recoverInterruptedCalls({ limits: ledger() });
    expect(await usageOf(admitted.reservation.id)).toEqual([{ status: 'interrupted', cost_usd: 0.25, output_tokens: 0 }]);
    expect(await db.query('SELECT id FROM reservations WHERE grant_id = $1', [g])).toEqual([]);
  });

  it('holds a spend-limited detail after an overrun until acknowledged, and only priced calls', async () => {
    const g = fresh();
    const limits = { daily_spend: 1 };
    const first = await ledger().admit(request(g, { limits }));
    if (!first.ok) throw new Error('not admitted');
    expect(await ledger().settle(first.reservation, 0.05, T0 + 10)).toBe(true);
    const held = await ledger().admit(request(g, { limits }));
    expect(held).toMatchObject({ ok: false, kind: 'overrun_hold', overrun: { reservationId: first.reservation.id, reservedUsd: 0.01, costUsd: 0.05, day: '2026-03-10' } });
    // A free call is not held; a detail of another provider is not held.
    expect((await ledger().admit(request(g, { limits, estimateUsd: 0 }))).ok).toBe(true);
    expect((await ledger().admit(request(g, { limits, provider: 'anthropic' }))).ok).toBe(true);
    expect(await ledger().overruns()).toEqual([expect.objectContaining({ grantId: g, provider: 'openai', costUsd: 0.05 })]);
    await ledger().acknowledgeOverrun(g, 'openai');
    expect((await ledger().overruns()).filter((o) => o.grantId === g)).toEqual([]);
    expect((await ledger().admit(request(g, { limits }))).ok).toBe(true);
  });

  it('an overrun hold ends with the day it was billed in; without a spend limit there is none', async () => {
    const g = fresh();
    const first = await ledger().admit(request(g, { limits: { monthly_spend: 5 } }));
    if (!first.ok) throw new Error('not admitted');
    await ledger().settle(first.reservation, 0.5, T0 + 10);
    expect(await ledger().admit(request(g, { limits: { monthly_spend: 5 } }))).toMatchObject({ kind: 'overrun_hold' });
    expect((await ledger().admit(request(g, { limits: { monthly_spend: 5 }, now: T0 + 12 * 3600_000 }))).ok).toBe(true);
    const free = fresh();
    const unlimited = await ledger().admit(request(free));
    if (!unlimited.ok) throw new Error('not admitted');
    await ledger().settle(unlimited.reservation, 0.5, T0 + 10);
    expect((await ledger().admit(request(free))).ok).toBe(true);
  });

  it('resolves storage_unavailable and changes nothing when the database fails', async () => {
    const g = fresh();
    const broken: Database = { ...db, query: () => Promise.reject(new Error('connection lost')) };
    const errors: unknown[] = [];
    const result = await sqlLedger(broken, { instance: 1, timeZone: 'UTC', onError: (e) => errors.push(e) }).admit(request(g, { row: { ...started, grantId: g } }));
    expect(result).toMatchObject({ ok: false, kind: 'storage_unavailable' });
    expect(errors).toHaveLength(1);
    expect(await db.query('SELECT grant_id FROM counters WHERE grant_id = $1', [g])).toEqual([]);
  });
});

