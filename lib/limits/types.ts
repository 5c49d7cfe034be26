import type { Limits } from '../protocol';

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
  label?: ReservationLabel;
}

/** One atomic write: an IndexedDB transaction in the extension, an SQL transaction on the server. */
export interface CounterBatch {
  states: CounterState[];
  putReservations: Reservation[];
  deleteReservations: string[];
}

/**
 * Where the ledger keeps its counters. The ledger reads a detail's state once (prepare) and
 * writes through in batches; a batch must be applied all or nothing, so that a settled call's
 * spend and the removal of its reservation land together and a restart never bills it twice.
 */
export interface CounterStore {
  load(grantId: string, provider: string): Promise<CounterState | undefined>;
  listReservations(): Promise<Reservation[]>;
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
}

export type AdmitResult =
  | { ok: true; reservation: Reservation }
  | { ok: false; kind: 'rate_limited'; retryAfterSeconds: number }
  | { ok: false; kind: 'budget_exhausted' }
  | { ok: false; kind: 'price_unknown' };

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
 * Rate windows and spend reservation, per grant and provider. `admit` is synchronous, so a
 * check and its reservation happen with nothing in between: concurrent calls can never
 * together exceed a request limit or a budget.
 */
export interface LimitLedger {
  /** Loads a detail's counters; `admit` and `settle` need it done. Cheap once loaded. */
  prepare(grantId: string, provider: string): Promise<void>;
  admit(request: AdmitRequest): AdmitResult;
  /**
   * Replaces the reservation with the call's real cost. Returns false (and changes nothing)
   * for a reservation already settled.
   */
  settle(reservation: Reservation, actualUsd: number, now: number): boolean;
  /** The detail's usage in the periods of `now`; undefined until prepared. */
  snapshot(grantId: string, provider: string, now: number): CounterSnapshot | undefined;
  /**
   * Bills every persisted reservation this ledger did not make (left by a worker that died
   * mid-call) at its reserved amount, and hands each to `onOrphan` (which writes the usage
   * row). Run it once at start, before serving calls.
   */
  recoverOrphans(onOrphan?: (reservation: Reservation) => void | Promise<void>): Promise<Reservation[]>;
  /** Resolves when every write so far is committed; rejects with the store's error. */
  flush(): Promise<void>;
}
