import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmitRequest } from '../../lib/limits';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import type { Database } from '../db/sql';
import { sqlLedger } from './sql-ledger';
import { AdmissionRefused, callLedger } from './sync-adapter';

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
    const orphans: string[] = [];
    const recovered = await ledger().recoverOrphans((r) => void orphans.push(r.id));
    expect(recovered.map((r) => r.grantId)).toContain(g);
    expect(orphans).toHaveLength(recovered.length);
    const [row] = await db.query<{ month_spent_usd: number }>('SELECT month_spent_usd FROM counters WHERE grant_id = $1', [g]);
    expect(row?.month_spent_usd).toBe(0.5);
    expect(await ledger().recoverOrphans()).toEqual([]);
  });
});

describe('the bridge to the synchronous LimitLedger', () => {
  it('answers at once, then gates the call on the SQL answer and settles only what was admitted', async () => {
    const g = fresh();
    const sql = sqlLedger(db, { instance: 1, timeZone: 'UTC' });
    const limits = { requests_per_minute: 1 };
    const first = callLedger(sql, () => undefined, async () => undefined);
    const r1 = first.ledger.admit(request(g, { limits }));
    await first.admitted();
    const second = callLedger(sql, () => undefined, async () => undefined);
    second.ledger.admit(request(g, { limits }));
    await expect(second.admitted()).rejects.toBeInstanceOf(AdmissionRefused);
    expect(second.refusal()?.result).toMatchObject({ kind: 'rate_limited' });
    if (!r1.ok) throw new Error('unreachable');
    first.ledger.settle(r1.reservation, 0.002, T0 + 5);
    await first.settled();
    const [row] = await db.query<{ n: number }>('SELECT COUNT(*)::integer AS n FROM reservations WHERE grant_id = $1', [g]);
    expect(row?.n).toBe(0);
  });
});
