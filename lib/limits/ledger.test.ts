import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLimitLedger } from './ledger';
import { memoryCounterStore } from './memory-store';
import type { AdmitResult, CounterStore, LimitLedger, Reservation } from './types';
import type { Limits } from '../protocol';

const T0 = Date.parse('2026-03-10T12:00:00Z');

function setup(timeZone = 'UTC') {
  const store = memoryCounterStore();
  let n = 0;
  const ledger = createLimitLedger({ store, timeZone, newId: () => `r${++n}`, now: () => T0 });
  return { store, ledger };
}

async function admitAfterPrepare(ledger: LimitLedger, limits: Limits, estimateUsd?: number, now = T0): Promise<AdmitResult> {
  await ledger.prepare('g1', 'openai');
  return ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd, now });
}

function reservationOf(result: AdmitResult): Reservation {
  if (!result.ok) throw new Error(`expected admission, got ${result.kind}`);
  return result.reservation;
}

describe('requests per minute', () => {
  it('admits exactly the limit out of 50 concurrent calls', async () => {
    const { ledger } = setup();
    const results = await Promise.all(Array.from({ length: 50 }, () => admitAfterPrepare(ledger, { requests_per_minute: 10 })));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(40);
    expect(refused[0]).toEqual({ ok: false, kind: 'rate_limited', retryAfterSeconds: 60 });
  });

  it('slides: a slot frees 60 s after the call that took it', async () => {
    const { ledger } = setup();
    const limits = { requests_per_minute: 2 };
    expect((await admitAfterPrepare(ledger, limits, undefined, T0)).ok).toBe(true);
    expect((await admitAfterPrepare(ledger, limits, undefined, T0 + 30_000)).ok).toBe(true);
    expect(await admitAfterPrepare(ledger, limits, undefined, T0 + 59_000)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect((await admitAfterPrepare(ledger, limits, undefined, T0 + 60_000)).ok).toBe(true);
    expect(await admitAfterPrepare(ledger, limits, undefined, T0 + 61_000)).toMatchObject({ ok: false, retryAfterSeconds: 29 });
  });
});

describe('requests per day', () => {
  it('stops at the limit until the next local day', async () => {
    const { ledger } = setup('UTC');
    const limits = { requests_per_day: 3 };
    for (let i = 0; i < 3; i++) expect((await admitAfterPrepare(ledger, limits)).ok).toBe(true);
    // T0 is noon UTC: twelve hours to midnight.
    expect(await admitAfterPrepare(ledger, limits)).toEqual({ ok: false, kind: 'rate_limited', retryAfterSeconds: 12 * 3600 });
    expect((await admitAfterPrepare(ledger, limits, undefined, Date.parse('2026-03-11T00:00:01Z'))).ok).toBe(true);
  });
});

describe('spend', () => {
  it('never lets concurrent reservations together pass the budget', async () => {
    const { ledger } = setup();
    const results = await Promise.all(Array.from({ length: 50 }, () => admitAfterPrepare(ledger, { daily_spend: 1 }, 0.3)));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok)[0]).toEqual({ ok: false, kind: 'budget_exhausted' });
    expect(ledger.snapshot('g1', 'openai', T0)).toMatchObject({ daySpentUsd: 0, dayReservedUsd: expect.closeTo(0.9, 9) });
  });

  it('settling replaces the reservation with the real cost', async () => {
    const { ledger } = setup();
    const limits = { daily_spend: 1, monthly_spend: 5 };
    const first = reservationOf(await admitAfterPrepare(ledger, limits, 0.6));
    expect((await admitAfterPrepare(ledger, limits, 0.6)).ok).toBe(false);
    expect(ledger.settle(first, 0.05, T0)).toBe(true);
    expect(ledger.snapshot('g1', 'openai', T0)).toMatchObject({
      daySpentUsd: 0.05,
      dayReservedUsd: 0,
      monthSpentUsd: 0.05,
      monthReservedUsd: 0,
      dayRequests: 1,
    });
    expect((await admitAfterPrepare(ledger, limits, 0.6)).ok).toBe(true);
    // A second settle of the same call changes nothing.
    expect(ledger.settle(first, 0.05, T0)).toBe(false);
    expect(ledger.snapshot('g1', 'openai', T0)?.daySpentUsd).toBe(0.05);
  });

  it('bills the reservation when the real cost is unknown', async () => {
    const { ledger } = setup();
    const r = reservationOf(await admitAfterPrepare(ledger, {}, 0.2));
    ledger.settle(r, Number.NaN, T0);
    expect(ledger.snapshot('g1', 'openai', T0)?.daySpentUsd).toBe(0.2);
  });

  it('refuses a priced limit without an estimate, but lets free calls through an exhausted budget', async () => {
    const { ledger } = setup();
    expect(await admitAfterPrepare(ledger, { monthly_spend: 1 }, undefined)).toEqual({ ok: false, kind: 'price_unknown' });
    const r = reservationOf(await admitAfterPrepare(ledger, { monthly_spend: 1 }, 1));
    ledger.settle(r, 1.5, T0);
    expect(await admitAfterPrepare(ledger, { monthly_spend: 1 }, 0.001)).toEqual({ ok: false, kind: 'budget_exhausted' });
    expect((await admitAfterPrepare(ledger, { monthly_spend: 1 }, 0)).ok).toBe(true);
  });

  it('holds the invariant spent + reserved <= limit for any interleaving', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('admit' as const), estimate: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const { ledger } = setup();
        await ledger.prepare('g1', 'openai');
        const limit = 1000;
        const held: Reservation[] = [];
        for (const o of ops) {
          if (o.kind === 'admit') {
            const result = ledger.admit({ grantId: 'g1', provider: 'openai', limits: { daily_spend: limit }, estimateUsd: o.estimate, now: T0 });
            if (result.ok) held.push(result.reservation);
          } else if (held.length > 0) {
            const [r] = held.splice(o.pick % held.length, 1);
            if (r) ledger.settle(r, r.amountUsd * o.share, T0);
          }
          const s = ledger.snapshot('g1', 'openai', T0);
          expect((s?.daySpentUsd ?? 0) + (s?.dayReservedUsd ?? 0)).toBeLessThanOrEqual(limit + 1e-9);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('calendar rollover in the user time zone', () => {
  it('starts a new day and month at local midnight, not UTC midnight', async () => {
    const { ledger } = setup('America/New_York');
    const limits = { daily_spend: 1, monthly_spend: 2, requests_per_day: 5 };
    // 23:00 on 28 February in New York.
    const lateFeb = Date.parse('2026-03-01T04:00:00Z');
    const r = reservationOf(await admitAfterPrepare(ledger, limits, 0.9, lateFeb));
    ledger.settle(r, 0.9, lateFeb);
    // Past UTC midnight but still 28 February in New York: the day's budget is used up.
    expect(await admitAfterPrepare(ledger, limits, 0.5, lateFeb + 30 * 60_000)).toEqual({ ok: false, kind: 'budget_exhausted' });
    // 00:01 on 1 March in New York: a new day and a new month.
    const earlyMar = Date.parse('2026-03-01T05:01:00Z');
    expect(ledger.snapshot('g1', 'openai', earlyMar)).toMatchObject({ day: '2026-03-01', daySpentUsd: 0, monthSpentUsd: 0 });
    expect((await admitAfterPrepare(ledger, limits, 0.5, earlyMar)).ok).toBe(true);
  });

  it('counts a call that settles after midnight in the day it was admitted', async () => {
    const { ledger } = setup('UTC');
    const before = Date.parse('2026-03-10T23:59:00Z');
    const after = Date.parse('2026-03-11T00:01:00Z');
    const r = reservationOf(await admitAfterPrepare(ledger, { daily_spend: 1 }, 0.4, before));
    ledger.settle(r, 0.3, after);
    expect(ledger.snapshot('g1', 'openai', after)).toMatchObject({ day: '2026-03-11', daySpentUsd: 0, dayReservedUsd: 0, monthSpentUsd: 0.3 });
  });

  it('does not reopen a used-up day when the clock goes back', async () => {
    const { ledger } = setup('UTC');
    const limits = { requests_per_day: 1 };
    expect((await admitAfterPrepare(ledger, limits, undefined, Date.parse('2026-03-11T00:10:00Z'))).ok).toBe(true);
    expect((await admitAfterPrepare(ledger, limits, undefined, Date.parse('2026-03-10T23:50:00Z'))).ok).toBe(false);
  });
});

describe('persistence', () => {
  it('keeps counters across a restart', async () => {
    const { store, ledger } = setup();
    reservationOf(await admitAfterPrepare(ledger, { requests_per_day: 2 }));
    await ledger.flush();
    const again = createLimitLedger({ store, timeZone: 'UTC' });
    expect((await admitAfterPrepare(again, { requests_per_day: 2 })).ok).toBe(true);
    expect((await admitAfterPrepare(again, { requests_per_day: 2 })).ok).toBe(false);
  });

  it('bills the reservations of a worker that died mid-call, once', async () => {
    const { store, ledger } = setup();
    const label = { origin: 'https://app.example', model: 'gpt-4o', endpoint: '/chat/completions' };
    await ledger.prepare('g1', 'openai');
    const dying = ledger.admit({ grantId: 'g1', provider: 'openai', limits: { daily_spend: 1 }, estimateUsd: 0.4, now: T0, label });
    reservationOf(dying);
    await ledger.flush();
    expect(store.reservations.size).toBe(1);

    const next = createLimitLedger({ store, timeZone: 'UTC', now: () => T0 + 1000 });
    const seen: Reservation[] = [];
    const recovered = await next.recoverOrphans((r) => {
      seen.push(r);
    });
    expect(recovered).toHaveLength(1);
    expect(seen[0]).toMatchObject({ amountUsd: 0.4, label });
    expect(store.reservations.size).toBe(0);
    expect(next.snapshot('g1', 'openai', T0 + 1000)).toMatchObject({ daySpentUsd: 0.4, dayReservedUsd: 0, dayRequests: 1 });
    expect(await next.recoverOrphans()).toHaveLength(0);
    expect(next.snapshot('g1', 'openai', T0 + 1000)?.daySpentUsd).toBe(0.4);
  });

  it('never takes its own calls in flight for orphans', async () => {
    const { store, ledger } = setup();
    const r = reservationOf(await admitAfterPrepare(ledger, {}, 0.4));
    await ledger.flush();
    expect(await ledger.recoverOrphans()).toEqual([]);
    expect(store.reservations.size).toBe(1);
    ledger.settle(r, 0.1, T0);
    await ledger.flush();
    expect(store.reservations.size).toBe(0);
  });

  it('writes nothing for a call that settles before its reservation is committed', async () => {
    const { store, ledger } = setup();
    await ledger.prepare('g1', 'openai');
    const r = reservationOf(ledger.admit({ grantId: 'g1', provider: 'openai', limits: {}, estimateUsd: 0.4, now: T0 }));
    ledger.settle(r, 0.1, T0);
    await ledger.flush();
    expect(store.stats.reservationsPut).toBe(0);
    expect(store.stats.reservationsDeleted).toBe(0);
    expect(store.states.get('g1\nopenai')?.daySpentUsd).toBe(0.1);
  });

  it('keeps failed writes queued and reports them', async () => {
    const inner = memoryCounterStore();
    let fail = true;
    const errors: unknown[] = [];
    const store: CounterStore = {
      load: (g, p) => inner.load(g, p),
      listReservations: () => inner.listReservations(),
      commit: async (batch) => {
        if (fail) throw new Error('disk full');
        await inner.commit(batch);
      },
    };
    const ledger = createLimitLedger({ store, timeZone: 'UTC', onError: (e) => errors.push(e) });
    reservationOf(await admitAfterPrepare(ledger, {}, 0.4));
    await expect(ledger.flush()).rejects.toThrow('disk full');
    expect(errors).toHaveLength(1);
    fail = false;
    await ledger.flush();
    expect(inner.reservations.size).toBe(1);
    expect(inner.states.get('g1\nopenai')?.dayRequests).toBe(1);
  });
});

describe('cost of a check', () => {
  it('does not grow with the number of settled calls', async () => {
    const { store, ledger } = setup();
    const limits = { requests_per_minute: 1000, requests_per_day: 1_000_000, daily_spend: 1e9, monthly_spend: 1e9 };
    await ledger.prepare('g1', 'openai');
    for (let i = 0; i < 100_000; i++) {
      const now = T0 + i * 60;
      const result = ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd: 0.01, now });
      if (!result.ok) throw new Error(`refused call ${i}: ${result.kind}`);
      ledger.settle(result.reservation, 0.001, now);
    }
    await ledger.flush();
    // One load for the whole history; the state holds one minute of admissions at most.
    expect(store.stats.loads).toBe(1);
    const stored = store.states.get('g1\nopenai');
    expect(stored?.dayRequests).toBe(100_000);
    expect(stored?.recent.length).toBeLessThanOrEqual(1000);
    expect(store.reservations.size).toBe(0);
    // The next check reads nothing from the store.
    const before = { ...store.stats };
    await ledger.prepare('g1', 'openai');
    expect(ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd: 0.01, now: T0 + 6_100_000 }).ok).toBe(true);
    expect(store.stats.loads).toBe(before.loads);
    expect(store.stats.lists).toBe(before.lists);
  });
});

it('demands prepare before admit', () => {
  const { ledger } = setup();
  expect(() => ledger.admit({ grantId: 'gx', provider: 'openai', limits: {}, estimateUsd: 0, now: T0 })).toThrow(/prepare/);
});
