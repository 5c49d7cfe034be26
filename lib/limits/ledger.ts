import type { UsageRow } from '../usage/types';
import { periodsOf, secondsUntilNextDay } from './calendar';
import { exceeds, freshState, hasSpendLimit, keyOf, overBudget, roll, usd, type Live } from './live';
import { pruneWindow, secondsUntilSlotFrees, WINDOW_MS } from './window';
import { createGroupCommit, type WriteOp } from './write-queue';
import type {
  AdmitRequest,
  AdmitResult,
  CounterSnapshot,
  CounterStore,
  LimitLedger,
  Overrun,
  Reservation,
} from './types';

export interface LedgerOptions {
  store: CounterStore;
  /** IANA zone whose calendar days and months the limits count in; a getter follows Settings. */
  timeZone: string | (() => string);
  /** Store failures (also returned as refusals or rejections to the caller that waited). */
  onError?: (error: unknown) => void;
  /** The clock orphan recovery bills by. */
  now?: () => number;
  newId?: () => string;
  /**
   * How long an admission waits for its commit before it is refused as storage_unavailable: a
   * blocked database (another connection holding an upgrade) must refuse calls, not hang them.
   * If such a commit lands later, the admission is taken back out of the store (reservation and
   * started row deleted, counters rewritten), so the call, never sent, is never billed.
   */
  commitTimeoutMs?: number;
}

/** The extension's ledger: the port, plus a way for tests to wait for settlements nobody awaits. */
export interface ExtensionLedger extends LimitLedger {
  /** Resolves when every write so far is committed; rejects with the store's error. */
  flush(): Promise<void>;
}

/**
 * The ledger over a CounterStore (IndexedDB in the extension, memory in tests). The limit check
 * and the reservation run in memory with no await between them (the extension has one worker),
 * then the admission waits for its group commit before it is answered.
 */
export function createLimitLedger(options: LedgerOptions): ExtensionLedger {
  const { store } = options;
  const timeZone = typeof options.timeZone === 'function' ? options.timeZone : () => options.timeZone as string;
  const onError = options.onError ?? (() => undefined);
  const clock = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());

  const details = new Map<string, Live>();
  const loading = new Map<string, Promise<Live>>();
  /** Reservations this ledger made and has not settled: never orphans. */
  const open = new Map<string, Reservation>();
  const writes = createGroupCommit(store, onError, { timeoutMs: options.commitTimeoutMs, onLate: takeBack });

  /** Admissions refused on a timer whose commit landed after all: out of the store again. */
  function takeBack(ops: WriteOp[]): void {
    for (const op of ops) {
      const r = op.put;
      if (!r) continue;
      const key = keyOf(r.grantId, r.provider);
      const live = details.get(key);
      writes.write({ states: live ? [[key, live.state]] : [], delete: r.id, deleteRow: r.id, retry: true }).catch(() => undefined);
    }
  }

  /** A detail's counters, read from the store once; cheap afterwards. */
  function load(grantId: string, provider: string): Live | Promise<Live> {
    const key = keyOf(grantId, provider);
    const live = details.get(key);
    if (live) return live;
    let pending = loading.get(key);
    if (!pending) {
      pending = store
        .load(grantId, provider)
        .then((state) => {
          const known = details.get(key);
          if (known) return known;
          const loaded = state ? { ...state, recent: [...state.recent] } : freshState(grantId, provider);
          const fresh: Live = { state: loaded, dayReservedUsd: 0, dayOpen: 0, monthReservedUsd: 0, monthOpen: 0 };
          details.set(key, fresh);
          return fresh;
        })
        .finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    return pending;
  }

  /** Moves a call's cost into the periods it was admitted in, if they are still current. */
  function charge(live: Live, r: Reservation, costUsd: number, held: boolean): void {
    const s = live.state;
    if (r.day === s.day) {
      s.daySpentUsd += costUsd;
      if (held) release(live, r, 'day');
    }
    if (r.month === s.month) {
      s.monthSpentUsd += costUsd;
      if (held) release(live, r, 'month');
    }
  }

  function release(live: Live, r: Reservation, period: 'day' | 'month'): void {
    if (period === 'day') {
      live.dayOpen--;
      // Sums of floats drift; with nothing open the true sum is 0.
      live.dayReservedUsd = live.dayOpen > 0 ? Math.max(0, live.dayReservedUsd - r.amountUsd) : 0;
    } else {
      live.monthOpen--;
      live.monthReservedUsd = live.monthOpen > 0 ? Math.max(0, live.monthReservedUsd - r.amountUsd) : 0;
    }
  }

  /** Takes back an admission its store could not commit: as if it had never been asked. */
  function undo(live: Live, r: Reservation): void {
    open.delete(r.id);
    const s = live.state;
    if (r.day === s.day) {
      s.dayRequests = Math.max(0, s.dayRequests - 1);
      release(live, r, 'day');
    }
    if (r.month === s.month) release(live, r, 'month');
    const at = s.recent.lastIndexOf(r.createdAt);
    if (at >= 0) s.recent.splice(at, 1);
  }

  /** The synchronous heart of admission: check and reserve with nothing in between. */
  function checkAndReserve(live: Live, request: AdmitRequest): AdmitResult {
    const { grantId, provider, now } = request;
    const limits = request.limits ?? {};
    const s = live.state;
    roll(live, periodsOf(now, timeZone()));

    const spendLimited = hasSpendLimit(limits);
    if (spendLimited && !usd(request.estimateUsd)) return { ok: false, kind: 'price_unknown' };
    const amount = usd(request.estimateUsd) ? request.estimateUsd : 0;
    // A free call (models list, token count) never spends, so neither a hold nor an exhausted budget blocks it.
    if (spendLimited && amount > 0 && s.overrun) return { ok: false, kind: 'overrun_hold', overrun: { ...s.overrun } };
    if (spendLimited && amount > 0 && overBudget(live, limits, amount)) return { ok: false, kind: 'budget_exhausted' };

    const perMinute = limits.requests_per_minute;
    if (perMinute !== undefined && pruneWindow(s.recent, now) >= perMinute) {
      return { ok: false, kind: 'rate_limited', retryAfterSeconds: secondsUntilSlotFrees(s.recent, now) };
    }
    if (limits.requests_per_day !== undefined && s.dayRequests >= limits.requests_per_day) {
      return { ok: false, kind: 'rate_limited', retryAfterSeconds: secondsUntilNextDay(now, timeZone()) };
    }

    if (perMinute !== undefined) s.recent.push(now);
    else if (s.recent.length > 0) s.recent.length = 0;
    s.dayRequests++;
    const reservation: Reservation = {
      id: newId(),
      grantId,
      provider,
      amountUsd: amount,
      day: s.day,
      month: s.month,
      createdAt: now,
      ...(spendLimited ? { spendLimited: true } : {}),
      ...(request.label ? { label: { ...request.label } } : {}),
    };
    live.dayReservedUsd += amount;
    live.dayOpen++;
    live.monthReservedUsd += amount;
    live.monthOpen++;
    open.set(reservation.id, reservation);
    return { ok: true, reservation };
  }

  async function admit(request: AdmitRequest): Promise<AdmitResult> {
    let live: Live;
    try {
      live = await load(request.grantId, request.provider);
    } catch (error) {
      onError(error);
      return { ok: false, kind: 'storage_unavailable', error };
    }
    const result = checkAndReserve(live, request);
    if (!result.ok) return result;
    const { reservation } = result;
    const row: UsageRow | undefined = request.row ? { ...request.row, id: reservation.id } : undefined;
    try {
      await writes.write({
        states: [[keyOf(request.grantId, request.provider), live.state]],
        put: reservation,
        ...(row ? { rows: [row] } : {}),
        retry: false,
      });
    } catch (error) {
      undo(live, reservation);
      return { ok: false, kind: 'storage_unavailable', error };
    }
    return result;
  }

  async function settle(reservation: Reservation, actualUsd: number, now: number, row?: UsageRow): Promise<boolean> {
    if (!open.has(reservation.id)) return false;
    const live = await load(reservation.grantId, reservation.provider);
    if (!open.delete(reservation.id)) return false;
    roll(live, periodsOf(now, timeZone()));
    // An unknown cost bills what was held, never nothing.
    const cost = usd(actualUsd) ? actualUsd : reservation.amountUsd;
    charge(live, reservation, cost, true);
    if (reservation.spendLimited && exceeds(cost, reservation.amountUsd)) {
      const overrun: Overrun = { reservationId: reservation.id, reservedUsd: reservation.amountUsd, costUsd: cost, at: now, day: live.state.day };
      live.state.overrun = overrun;
    }
    await writes.write({
      states: [[keyOf(reservation.grantId, reservation.provider), live.state]],
      delete: reservation.id,
      ...(row ? { rows: [{ ...row, id: reservation.id }] } : {}),
      retry: true,
    });
    return true;
  }

  async function snapshot(grantId: string, provider: string, now: number): Promise<CounterSnapshot> {
    const live = await load(grantId, provider);
    const s = live.state;
    const periods = periodsOf(now, timeZone());
    const sameDay = periods.day <= s.day;
    const sameMonth = periods.month <= s.month;
    return {
      day: sameDay ? s.day : periods.day,
      dayRequests: sameDay ? s.dayRequests : 0,
      daySpentUsd: sameDay ? s.daySpentUsd : 0,
      dayReservedUsd: sameDay ? live.dayReservedUsd : 0,
      month: sameMonth ? s.month : periods.month,
      monthSpentUsd: sameMonth ? s.monthSpentUsd : 0,
      monthReservedUsd: sameMonth ? live.monthReservedUsd : 0,
      lastMinuteRequests: s.recent.filter((t) => t > now - WINDOW_MS).length,
    };
  }

  let recovering: Promise<Reservation[]> | undefined;

  async function recover(toRow?: (reservation: Reservation) => UsageRow): Promise<Reservation[]> {
    const orphans = (await store.listReservations()).filter((r) => !open.has(r.id));
    const commits: Promise<void>[] = [];
    for (const r of orphans) {
      const live = await load(r.grantId, r.provider);
      roll(live, periodsOf(clock(), timeZone()));
      // Its amount was held by a worker that is gone, so it is not in this ledger's reserved sums.
      charge(live, r, r.amountUsd, false);
      let row: UsageRow | undefined;
      try {
        row = toRow ? { ...toRow(r), id: r.id } : undefined;
      } catch (error) {
        onError(error);
      }
      commits.push(writes.write({ states: [[keyOf(r.grantId, r.provider), live.state]], delete: r.id, ...(row ? { rows: [row] } : {}), retry: true }));
    }
    await Promise.all(commits);
    return orphans;
  }

  async function overruns() {
    const today = periodsOf(clock(), timeZone()).day;
    const stored = await store.listStates();
    const found: (Overrun & { grantId: string; provider: string })[] = [];
    for (const state of stored) {
      // What this worker holds is newer than what the store has.
      const s = details.get(keyOf(state.grantId, state.provider))?.state ?? state;
      if (s.overrun && s.overrun.day >= today) found.push({ ...s.overrun, grantId: s.grantId, provider: s.provider });
    }
    return found;
  }

  async function acknowledgeOverrun(grantId: string, provider: string): Promise<void> {
    const live = await load(grantId, provider);
    if (!live.state.overrun) return;
    delete live.state.overrun;
    await writes.write({ states: [[keyOf(grantId, provider), live.state]], retry: true });
  }

  return {
    admit,
    settle,
    snapshot,
    recoverOrphans(toRow) {
      recovering ??= recover(toRow).finally(() => {
        recovering = undefined;
      });
      return recovering;
    },
    overruns,
    acknowledgeOverrun,
    flush: () => writes.flush(),
  };
}
