import type { Limits } from '../protocol';
import type { UsageRow } from '../usage/types';

/**
 * Persisted counters of one granted detail (one grant, one provider). Day and month counters
 * are running totals for the calendar period they name, so a limit check never reads the
 * usage history. Reserved amounts are not stored here: they are the sum of the persisted
 * reservations, which `recoverOrphans` turns into spend after a restart.
 */
export interface CounterState {
  grantId: string;
  provider: string;
  /** `YYYY-MM-DD` in the ledger's time zone: the day `dayRequests` and `daySpentUsd` count. */
  day: string;
  dayRequests: number;
  daySpentUsd: number;
  /** `YYYY-MM`: the month `monthSpentUsd` counts. */
  month: string;
  monthSpentUsd: number;
  /** Admission times (epoch ms) inside the last minute, oldest first; at most requests_per_minute. */
  recent: number[];
  /**
   * Set when a call settled above its reservation while a spend limit applied: the estimate
   * was not an upper bound, so new calls of this detail are held until the numbers are
   * reconciled (see `LimitLedger`). Absent in rows written before version 4.
   */
  overrun?: Overrun;
}

/** A settled call that cost more than was held for it. */
export interface Overrun {
  reservationId: string;
  reservedUsd: number;
  costUsd: number;
  /** Epoch ms of the settlement, and the day it was billed in (the hold ends with that day). */
  at: number;
  day: string;
}

/** What the activity log needs to name a call whose worker died before it settled. */
export interface ReservationLabel {
  origin: string;
  model?: string;
  endpoint: string;
}

/** Spend held for one admitted call until it settles. */
export interface Reservation {
  id: string;
  grantId: string;
  provider: string;
  amountUsd: number;
  /** The periods the call was admitted in; its cost counts there. */
  day: string;
  month: string;
  /** Epoch ms of admission. */
  createdAt: number;
  /** A spend limit applied at admission: settling above the amount holds the detail. */
  spendLimited?: true;
  label?: ReservationLabel;
}

/** One atomic write: an IndexedDB transaction in the extension, an SQL transaction on the server. */
export interface CounterBatch {
  states: CounterState[];
  putReservations: Reservation[];
  /** Applied after the puts, so a put and a delete of one id in one batch leave nothing. */
  deleteReservations: string[];
  /** Usage rows, put by id: a call's `started` row at admission, its finished row at settlement. */
  rows: UsageRow[];
  /** Rows removed, after the puts: the started row of an admission taken back (see LedgerOptions.commitTimeoutMs). */
  deleteRows: string[];
}

/**
 * Where the extension's ledger keeps its counters. The ledger reads a detail's state once and
 * writes through in batches; a batch must be applied all or nothing, so that an admitted call's
 * counters, reservation and started row, or a settled call's spend, the removal of its
 * reservation and its finished row, land together: a restart never loses or double-bills one.
 */
export interface CounterStore {
  load(grantId: string, provider: string): Promise<CounterState | undefined>;
  listReservations(): Promise<Reservation[]>;
  /** Every detail's counters (a few rows per grant): for the dashboard's overrun list. */
  listStates(): Promise<CounterState[]>;
  commit(batch: CounterBatch): Promise<void>;
}

export interface AdmitRequest {
  grantId: string;
  provider: string;
  limits: Limits | undefined;
  /**
   * Upper bound of the call's cost in USD. Required when a spend limit applies (else the call
   * is refused as price_unknown); without spend limits it may be undefined (reserves 0).
   */
  estimateUsd: number | undefined;
  now: number;
  label?: ReservationLabel;
  /**
   * The call's usage row as it stands at admission (status `started`), committed with the
   * reservation under the reservation's id. Omitted: no row (the ledger's own tests).
   */
  row?: Omit<UsageRow, 'id'>;
}

export type AdmitResult =
  | { ok: true; reservation: Reservation }
  | { ok: false; kind: 'rate_limited'; retryAfterSeconds: number }
  | { ok: false; kind: 'budget_exhausted' }
  | { ok: false; kind: 'price_unknown' }
  /** A call of this detail settled above its reservation; held until reconciled. */
  | { ok: false; kind: 'overrun_hold'; overrun: Overrun }
  /** The store could not commit the admission: nothing may be forwarded. */
  | { ok: false; kind: 'storage_unavailable'; error: unknown };

/** What a detail has used in the current periods, for the UI. */
export interface CounterSnapshot {
  day: string;
  dayRequests: number;
  daySpentUsd: number;
  dayReservedUsd: number;
  month: string;
  monthSpentUsd: number;
  monthReservedUsd: number;
  /** Requests admitted in the last 60 s (counted only while a per-minute limit applies). */
  lastMinuteRequests: number;
}

/**
 * Rate windows and spend reservation, per grant and provider: the port the proxy admits and
 * settles through. The extension implements it over IndexedDB (`createLimitLedger`), the vault
 * server over SQL. Every implementation keeps these invariants:
 *
 * 1. Write-ahead. `admit` resolves `ok` only once the reservation, the counters it moved and the
 *    call's `started` row are durably committed, together. The proxy forwards nothing before,
 *    so every call the provider can see has a row and a reservation that survive a crash.
 *    When the store cannot commit, `admit` changes nothing and resolves `storage_unavailable`.
 * 2. Atomic check. The limit check and the reservation it admits are one step: concurrent calls
 *    can never together exceed a request limit or a budget (`spent + reserved <= limit`).
 *    The extension does the check in memory in its single worker and group-commits concurrent
 *    admissions; SQL does it in one transaction per admission, the counter row locked.
 * 3. Settlement is one commit: the reservation removed, its periods charged the real cost, the
 *    row (same id as the reservation) completed. Settling twice changes nothing.
 * 4. Recovery. Every reservation whose call no live process holds is billed its reserved amount
 *    (an upper bound) and its row completed as `interrupted`, in one commit each.
 * 5. Overrun hold (defence in depth, under a spend limit): once a call settles above its
 *    reservation, the detail admits no new priced calls until the numbers are reconciled: the
 *    person acknowledges the overrun (`acknowledgeOverrun`), or the day it was billed in ends.
 *    Its real cost is in the counters from the settlement on; the hold stops a broken estimate
 *    from being exploited again and again within the same budget period.
 * Counters never depend on usage rows, so pruning history changes no limit.
 */
export interface LimitLedger {
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /**
   * Replaces the reservation with the call's real cost (`actualUsd`; not a finite amount >= 0:
   * its reservation) and completes its row. Resolves false (and changes nothing) for a
   * reservation already settled; rejects when the store fails (the reservation then stays,
   * and recovery bills it on the next start).
   */
  settle(reservation: Reservation, actualUsd: number, now: number, row?: UsageRow): Promise<boolean>;
  /** The detail's usage in the periods of `now`. */
  snapshot(grantId: string, provider: string, now: number): Promise<CounterSnapshot>;
  /**
   * Bills every persisted reservation no live call holds (left by a process that died mid-call)
   * at its reserved amount, with the row `toRow` makes for it. Run once at start, before serving.
   */
  recoverOrphans(toRow?: (reservation: Reservation) => UsageRow): Promise<Reservation[]>;
  /** Details held by an overrun, for the dashboard. */
  overruns(): Promise<(Overrun & { grantId: string; provider: string })[]>;
  /** The person has seen the overrun: the detail admits calls again (within its limits). */
  acknowledgeOverrun(grantId: string, provider: string): Promise<void>;
}
