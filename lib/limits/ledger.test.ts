import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLimitLedger } from './ledger';
import { memoryCounterStore } from './memory-store';
import type { AdmitResult, CounterStore, LimitLedger, Reservation } from './types';
import type { Limits } from '../protocol';
import type { UsageRow } from '../usage/types';

const T0 = Date.parse('2026-03-10T12:00:00Z');

function setup(timeZone = 'UTC') {
  const store = memoryCounterStore();
  let n = 0;
  const ledger = createLimitLedger({ store, timeZone, newId: () => `r${++n}`, now: () => T0 });
  return { store, ledger };
}

function admitAfterPrepare(ledger: LimitLedger, limits: Limits, estimateUsd?: number, now = T0): Promise<AdmitResult> {
  return ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd, now });
}

function startedRow(): Omit<UsageRow, 'id'> {
  return { time: T0, origin: 'https://app.example', grantId: 'g1', provider: 'openai', model: 'gpt-4o', endpoint: '/chat/completions', status: 'started', inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
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
    expect((await ledger.snapshot('g1', 'openai', T0))).toMatchObject({ daySpentUsd: 0, dayReservedUsd: expect.closeTo(0.9, 9) });
  });

  it('settling replaces the reservation with the real cost', async () => {
    const { ledger } = setup();
    const limits = { daily_spend: 1, monthly_spend: 5 };
    const first = reservationOf(await admitAfterPrepare(ledger, limits, 0.6));
    expect((await admitAfterPrepare(ledger, limits, 0.6)).ok).toBe(false);
    expect(await ledger.settle(first, 0.05, T0)).toBe(true);
    expect((await ledger.snapshot('g1', 'openai', T0))).toMatchObject({
      daySpentUsd: 0.05,
      dayReservedUsd: 0,
      monthSpentUsd: 0.05,
      monthReservedUsd: 0,
      dayRequests: 1,
    });
    expect((await admitAfterPrepare(ledger, limits, 0.6)).ok).toBe(true);
    // A second settle of the same call changes nothing.
    expect(await ledger.settle(first, 0.05, T0)).toBe(false);
    expect((await ledger.snapshot('g1', 'openai', T0))?.daySpentUsd).toBe(0.05);
  });

  it('bills the reservation when the real cost is unknown', async () => {
    const { ledger } = setup();
    const r = reservationOf(await admitAfterPrepare(ledger, {}, 0.2));
    await ledger.settle(r, Number.NaN, T0);
    expect((await ledger.snapshot('g1', 'openai', T0))?.daySpentUsd).toBe(0.2);
  });

  it('refuses a priced limit without an estimate, but lets free calls through an exhausted budget', async () => {
    const { ledger } = setup();
    expect(await admitAfterPrepare(ledger, { monthly_spend: 1 }, undefined)).toEqual({ ok: false, kind: 'price_unknown' });
    const r = reservationOf(await admitAfterPrepare(ledger, { monthly_spend: 1 }, 1));
    await ledger.settle(r, 1.5, T0);
    await ledger.acknowledgeOverrun('g1', 'openai');
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
        const limit = 1000;
        const held: Reservation[] = [];
        for (const o of ops) {
          if (o.kind === 'admit') {
            const result = await ledger.admit({ grantId: 'g1', provider: 'openai', limits: { daily_spend: limit }, estimateUsd: o.estimate, now: T0 });
            if (result.ok) held.push(result.reservation);
          } else if (held.length > 0) {
            const [r] = held.splice(o.pick % held.length, 1);
            if (r) await ledger.settle(r, r.amountUsd * o.share, T0);
          }
          const s = (await ledger.snapshot('g1', 'openai', T0));
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
    await ledger.settle(r, 0.9, lateFeb);
    // Past UTC midnight but still 28 February in New York: the day's budget is used up.
    expect(await admitAfterPrepare(ledger, limits, 0.5, lateFeb + 30 * 60_000)).toEqual({ ok: false, kind: 'budget_exhausted' });
    // 00:01 on 1 March in New York: a new day and a new month.
    const earlyMar = Date.parse('2026-03-01T05:01:00Z');
    expect((await ledger.snapshot('g1', 'openai', earlyMar))).toMatchObject({ day: '2026-03-01', daySpentUsd: 0, monthSpentUsd: 0 });
    expect((await admitAfterPrepare(ledger, limits, 0.5, earlyMar)).ok).toBe(true);
  });

  it('counts a call that settles after midnight in the day it was admitted', async () => {
    const { ledger } = setup('UTC');
    const before = Date.parse('2026-03-10T23:59:00Z');
    const after = Date.parse('2026-03-11T00:01:00Z');
    const r = reservationOf(await admitAfterPrepare(ledger, { daily_spend: 1 }, 0.4, before));
    await ledger.settle(r, 0.3, after);
    expect((await ledger.snapshot('g1', 'openai', after))).toMatchObject({ day: '2026-03-11', daySpentUsd: 0, dayReservedUsd: 0, monthSpentUsd: 0.3 });
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
    const dying = await ledger.admit({ grantId: 'g1', provider: 'openai', limits: { daily_spend: 1 }, estimateUsd: 0.4, now: T0, label, row: startedRow() });
    const held = reservationOf(dying);
    // Admission answered only once committed: reservation, counters and started row are all in the store.
    expect(store.reservations.size).toBe(1);
    expect(store.states.get('g1\nopenai')).toMatchObject({ dayRequests: 1 });
    expect(store.rows.get(held.id)).toMatchObject({ status: 'started' });

    const next = createLimitLedger({ store, timeZone: 'UTC', now: () => T0 + 1000 });
    const seen: Reservation[] = [];
    const recovered = await next.recoverOrphans((r) => {
      seen.push(r);
      return { ...startedRow(), id: 'ignored', status: 'interrupted', costUsd: r.amountUsd };
    });
    expect(store.rows.get(held.id)).toMatchObject({ id: held.id, status: 'interrupted', costUsd: 0.4 });
    expect(store.rows.size).toBe(1);
    expect(recovered).toHaveLength(1);
    expect(seen[0]).toMatchObject({ amountUsd: 0.4, label });
    expect(store.reservations.size).toBe(0);
    expect((await next.snapshot('g1', 'openai', T0 + 1000))).toMatchObject({ daySpentUsd: 0.4, dayReservedUsd: 0, dayRequests: 1 });
    expect(await next.recoverOrphans()).toHaveLength(0);
    expect((await next.snapshot('g1', 'openai', T0 + 1000))?.daySpentUsd).toBe(0.4);
  });

  it('never takes its own calls in flight for orphans', async () => {
    const { store, ledger } = setup();
    const r = reservationOf(await admitAfterPrepare(ledger, {}, 0.4));
    expect(await ledger.recoverOrphans()).toEqual([]);
    expect(store.reservations.size).toBe(1);
    await ledger.settle(r, 0.1, T0);
    await ledger.flush();
    expect(store.reservations.size).toBe(0);
  });

});

describe('cost of a check', () => {
  it('does not grow with the number of settled calls', async () => {
    const { store, ledger } = setup();
    const limits = { requests_per_minute: 1000, requests_per_day: 1_000_000, daily_spend: 1e9, monthly_spend: 1e9 };
    for (let i = 0; i < 20_000; i++) {
      const now = T0 + i * 300;
      const result = await ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd: 0.01, now });
      if (!result.ok) throw new Error(`refused call ${i}: ${result.kind}`);
      await ledger.settle(result.reservation, 0.001, now);
    }
    await ledger.flush();
    // One load for the whole history; the state holds one minute of admissions at most.
    expect(store.stats.loads).toBe(1);
    const stored = store.states.get('g1\nopenai');
    expect(stored?.dayRequests).toBe(20_000);
    expect(stored?.recent.length).toBeLessThanOrEqual(1000);
    expect(store.reservations.size).toBe(0);
    // The next check reads nothing from the store.
    const before = { ...store.stats };
    expect((await ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd: 0.01, now: T0 + 6_100_000 })).ok).toBe(true);
    expect(store.stats.loads).toBe(before.loads);
    expect(store.stats.lists).toBe(before.lists);
  });
});

/** A store whose commits fail while `failing` is set, as a full quota or a closed database does. */
function flakyStore() {
  const inner = memoryCounterStore();
  const state = { failing: false };
  const store: CounterStore = {
    load: (g, p) => inner.load(g, p),
    listReservations: () => inner.listReservations(),
    listStates: () => inner.listStates(),
    commit: async (batch) => {
      if (state.failing) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      await inner.commit(batch);
    },
  };
  return { inner, store, state };
}

describe('write-ahead admission', () => {
  it('answers an admission only after its reservation, counters and row are committed, sharing one commit across a burst', async () => {
    const { store, ledger } = setup();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ledger.admit({ grantId: 'g1', provider: 'openai', limits: {}, estimateUsd: 0.01, now: T0, row: startedRow() })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(store.reservations.size).toBe(20);
    expect(store.rows.size).toBe(20);
    expect(store.states.get('g1\nopenai')?.dayRequests).toBe(20);
    // Concurrent admissions wait for the same group commit instead of one transaction each.
    expect(store.stats.commits).toBeLessThanOrEqual(2);
  });

  it('refuses, and changes nothing, when the store cannot commit; admits again once it can', async () => {
    const { inner, store, state } = flakyStore();
    const errors: unknown[] = [];
    const ledger = createLimitLedger({ store, timeZone: 'UTC', onError: (e) => errors.push(e) });
    const limits = { daily_spend: 1, requests_per_day: 3, requests_per_minute: 2 };
    state.failing = true;
    const refused = await Promise.all([0, 1, 2].map(() => ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd: 0.4, now: T0, row: startedRow() })));
    expect(refused.map((r) => r.ok || r.kind)).toEqual(['storage_unavailable', 'storage_unavailable', 'budget_exhausted']);
    expect(errors.length).toBeGreaterThan(0);
    expect(inner.reservations.size).toBe(0);
    expect(inner.rows.size).toBe(0);
    // Nothing of the refused calls is held in memory either: the full budget and every slot are there.
    expect(await ledger.snapshot('g1', 'openai', T0)).toMatchObject({ dayRequests: 0, dayReservedUsd: 0, lastMinuteRequests: 0 });
    state.failing = false;
    const again = await Promise.all([0, 1].map(() => ledger.admit({ grantId: 'g1', provider: 'openai', limits, estimateUsd: 0.4, now: T0, row: startedRow() })));
    expect(again.every((r) => r.ok)).toBe(true);
    expect(inner.reservations.size).toBe(2);
  });

  it('keeps a settlement the store refused and commits it with the next write', async () => {
    const { inner, store, state } = flakyStore();
    const ledger = createLimitLedger({ store, timeZone: 'UTC' });
    const r = reservationOf(await ledger.admit({ grantId: 'g1', provider: 'openai', limits: {}, estimateUsd: 0.4, now: T0, row: startedRow() }));
    state.failing = true;
    await expect(ledger.settle(r, 0.1, T0, { ...startedRow(), id: r.id, status: 200, costUsd: 0.1 })).rejects.toThrow(/quota/);
    // Until it lands, the store still holds the reservation: a crash now bills 0.4, an upper bound.
    expect(inner.reservations.size).toBe(1);
    state.failing = false;
    await ledger.flush();
    expect(inner.reservations.size).toBe(0);
    expect(inner.rows.get(r.id)).toMatchObject({ status: 200, costUsd: 0.1 });
    expect(inner.states.get('g1\nopenai')?.daySpentUsd).toBeCloseTo(0.1, 12);
  });
});

describe('overrun hold', () => {
  const limits = { daily_spend: 10 };

  it('holds paid calls after one settled above its reservation, until acknowledged', async () => {
    const { store, ledger } = setup();
    const r = reservationOf(await admitAfterPrepare(ledger, limits, 0.1));
    await ledger.settle(r, 0.5, T0 + 1000);
    const held = await admitAfterPrepare(ledger, limits, 0.1);
    expect(held).toMatchObject({ ok: false, kind: 'overrun_hold', overrun: { reservedUsd: 0.1, costUsd: 0.5, day: '2026-03-10' } });
    // Free calls still pass; the hold survives a restart.
    expect((await admitAfterPrepare(ledger, limits, 0)).ok).toBe(true);
    const restarted = createLimitLedger({ store, timeZone: 'UTC', now: () => T0 });
    expect(await restarted.overruns()).toMatchObject([{ grantId: 'g1', provider: 'openai', costUsd: 0.5 }]);
    expect((await admitAfterPrepare(restarted, limits, 0.1)).ok).toBe(false);
    await restarted.acknowledgeOverrun('g1', 'openai');
    expect(await restarted.overruns()).toEqual([]);
    expect((await admitAfterPrepare(restarted, limits, 0.1)).ok).toBe(true);
  });

  it('ends with the day the overrun was billed in, and never applies without a spend limit', async () => {
    const { ledger } = setup();
    const r = reservationOf(await admitAfterPrepare(ledger, limits, 0.1));
    await ledger.settle(r, 0.5, T0);
    expect((await admitAfterPrepare(ledger, limits, 0.1, T0 + 3600_000)).ok).toBe(false);
    expect((await admitAfterPrepare(ledger, limits, 0.1, Date.parse('2026-03-11T00:00:01Z'))).ok).toBe(true);

    const free = setup().ledger;
    const f = reservationOf(await admitAfterPrepare(free, {}, 0.1));
    await free.settle(f, 0.5, T0);
    expect((await admitAfterPrepare(free, {}, 0.1)).ok).toBe(true);
  });
});

describe('a blocked store', () => {
  it('refuses an admission whose commit hangs, and takes it back out if the commit lands later', async () => {
    const inner = memoryCounterStore();
    let release: (() => void) | undefined;
    const store: CounterStore = {
      load: (g, p) => inner.load(g, p),
      listReservations: () => inner.listReservations(),
      listStates: () => inner.listStates(),
      async commit(batch) {
        // The first commit waits, as IndexedDB does while another connection blocks an upgrade.
        if (!release) await new Promise<void>((resolve) => (release = resolve));
        await inner.commit(batch);
      },
    };
    const errors: unknown[] = [];
    const ledger = createLimitLedger({ store, timeZone: 'UTC', commitTimeoutMs: 20, onError: (e) => errors.push(e) });
    const refused = await ledger.admit({ grantId: 'g1', provider: 'openai', limits: { requests_per_day: 1 }, estimateUsd: 0.4, now: T0, row: startedRow() });
    expect(refused).toMatchObject({ ok: false, kind: 'storage_unavailable' });
    expect(errors.map((e) => (e as Error).name)).toContain('StorageTimeoutError');
    release!();
    await ledger.flush();
    // Landed late, then taken back: no reservation, no row, no request counted for a call never sent.
    expect(inner.reservations.size).toBe(0);
    expect(inner.rows.size).toBe(0);
    expect(inner.states.get('g1\nopenai')?.dayRequests).toBe(0);
    expect((await ledger.admit({ grantId: 'g1', provider: 'openai', limits: { requests_per_day: 1 }, estimateUsd: 0.4, now: T0 })).ok).toBe(true);
  });
});
