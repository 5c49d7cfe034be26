import type { Limits } from '../protocol';
import { periodsOf, secondsUntilNextDay, type CalendarPeriods } from './calendar';
import { pruneWindow, secondsUntilSlotFrees, WINDOW_MS } from './window';
import { createWriteQueue } from './write-queue';
import type {
  AdmitRequest,
  AdmitResult,
  CounterSnapshot,
  CounterState,
  CounterStore,
  LimitLedger,
  Reservation,
} from './types';

export interface LedgerOptions {
  store: CounterStore;
  /** IANA zone whose calendar days and months the limits count in; a getter follows Settings. */
  timeZone: string | (() => string);
  /** Store failures, which the hot path does not wait for. */
  onError?: (error: unknown) => void;
  /** The clock orphan recovery bills by. */
  now?: () => number;
  newId?: () => string;
}

/** A detail's counters plus what is held for its calls in flight (not persisted; see CounterState). */
interface Live {
  state: CounterState;
  dayReservedUsd: number;
  dayOpen: number;
  monthReservedUsd: number;
  monthOpen: number;
}

const keyOf = (grantId: string, provider: string): string => `${grantId}\n${provider}`;

function freshState(grantId: string, provider: string): CounterState {
  // Empty periods sort before every real one, so the first admit rolls them over.
  return { grantId, provider, day: '', dayRequests: 0, daySpentUsd: 0, month: '', monthSpentUsd: 0, recent: [] };
}

/**
 * Starts new periods when the calendar moved on. Only forward: a clock set back must not
 * hand a used-up day a fresh budget, so its calls keep counting in the later period.
 */
function roll(live: Live, periods: CalendarPeriods): boolean {
  const s = live.state;
  let changed = false;
  if (periods.day > s.day) {
    s.day = periods.day;
    s.dayRequests = 0;
    s.daySpentUsd = 0;
    live.dayReservedUsd = 0;
    live.dayOpen = 0;
    changed = true;
  }
  if (periods.month > s.month) {
    s.month = periods.month;
    s.monthSpentUsd = 0;
    live.monthReservedUsd = 0;
    live.monthOpen = 0;
    changed = true;
  }
  return changed;
}

const usd = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n) && n >= 0;

function overBudget(live: Live, limits: Limits, amount: number): boolean {
  const s = live.state;
  if (limits.daily_spend !== undefined && s.daySpentUsd + live.dayReservedUsd + amount > limits.daily_spend) return true;
  if (limits.monthly_spend !== undefined && s.monthSpentUsd + live.monthReservedUsd + amount > limits.monthly_spend)
    return true;
  return false;
}

export function createLimitLedger(options: LedgerOptions): LimitLedger {
  const { store } = options;
  const timeZone = typeof options.timeZone === 'function' ? options.timeZone : () => options.timeZone as string;
  const onError = options.onError ?? (() => undefined);
  const clock = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());

  const details = new Map<string, Live>();
  const loading = new Map<string, Promise<void>>();
  /** Reservations this ledger made and has not settled: never orphans. */
  const open = new Map<string, Reservation>();
  const writes = createWriteQueue(store, onError);

  function liveFor(grantId: string, provider: string): Live {
    const live = details.get(keyOf(grantId, provider));
    if (!live) throw new Error('LimitLedger: prepare(grantId, provider) must complete before admit or settle');
    return live;
  }

  /** Moves a call's cost into the periods it was admitted in, if they are still current. */
  function charge(live: Live, r: Reservation, costUsd: number, held: boolean): void {
    const s = live.state;
    if (r.day === s.day) {
      s.daySpentUsd += costUsd;
      if (held) {
        live.dayOpen--;
        // Sums of floats drift; with nothing open the true sum is 0.
        live.dayReservedUsd = live.dayOpen > 0 ? Math.max(0, live.dayReservedUsd - r.amountUsd) : 0;
      }
    }
    if (r.month === s.month) {
      s.monthSpentUsd += costUsd;
      if (held) {
        live.monthOpen--;
        live.monthReservedUsd = live.monthOpen > 0 ? Math.max(0, live.monthReservedUsd - r.amountUsd) : 0;
      }
    }
  }

  function prepare(grantId: string, provider: string): Promise<void> {
    const key = keyOf(grantId, provider);
    if (details.has(key)) return Promise.resolve();
    let pending = loading.get(key);
    if (!pending) {
      pending = store
        .load(grantId, provider)
        .then((state) => {
          if (details.has(key)) return;
          const loaded = state ? { ...state, recent: [...state.recent] } : freshState(grantId, provider);
          details.set(key, { state: loaded, dayReservedUsd: 0, dayOpen: 0, monthReservedUsd: 0, monthOpen: 0 });
        })
        .finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    return pending;
  }

  function admit(request: AdmitRequest): AdmitResult {
    const { grantId, provider, now } = request;
    const limits = request.limits ?? {};
    const key = keyOf(grantId, provider);
    const live = liveFor(grantId, provider);
    const s = live.state;
    roll(live, periodsOf(now, timeZone()));

    const spendLimited = limits.daily_spend !== undefined || limits.monthly_spend !== undefined;
    if (spendLimited && !usd(request.estimateUsd)) return { ok: false, kind: 'price_unknown' };
    const amount = usd(request.estimateUsd) ? request.estimateUsd : 0;
    // A free call (models list, token count) never spends, so an exhausted budget does not block it.
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
      ...(request.label ? { label: { ...request.label } } : {}),
    };
    live.dayReservedUsd += amount;
    live.dayOpen++;
    live.monthReservedUsd += amount;
    live.monthOpen++;
    open.set(reservation.id, reservation);
    writes.state(key, s);
    writes.put(reservation);
    return { ok: true, reservation };
  }

  function settle(reservation: Reservation, actualUsd: number, now: number): boolean {
    if (!open.delete(reservation.id)) return false;
    const live = liveFor(reservation.grantId, reservation.provider);
    roll(live, periodsOf(now, timeZone()));
    // An unknown cost bills what was held, never nothing.
    charge(live, reservation, usd(actualUsd) ? actualUsd : reservation.amountUsd, true);
    writes.state(keyOf(reservation.grantId, reservation.provider), live.state);
    writes.delete(reservation.id);
    return true;
  }

  function snapshot(grantId: string, provider: string, now: number): CounterSnapshot | undefined {
    const live = details.get(keyOf(grantId, provider));
    if (!live) return undefined;
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

  async function recover(onOrphan?: (reservation: Reservation) => void | Promise<void>): Promise<Reservation[]> {
    const orphans = (await store.listReservations()).filter((r) => !open.has(r.id));
    for (const r of orphans) {
      await prepare(r.grantId, r.provider);
      const live = liveFor(r.grantId, r.provider);
      roll(live, periodsOf(clock(), timeZone()));
      // Its amount was held by a worker that is gone, so it is not in this ledger's reserved sums.
      charge(live, r, r.amountUsd, false);
      writes.state(keyOf(r.grantId, r.provider), live.state);
      writes.delete(r.id);
      try {
        await onOrphan?.(r);
      } catch (error) {
        onError(error);
      }
    }
    await writes.flush();
    return orphans;
  }

  return {
    prepare,
    admit,
    settle,
    snapshot,
    recoverOrphans(onOrphan) {
      recovering ??= recover(onOrphan).finally(() => {
        recovering = undefined;
      });
      return recovering;
    },
    flush: () => writes.flush(),
  };
}
