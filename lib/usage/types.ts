/**
 * One row of the activity log: what one proxied call did and cost. The proxy writes exactly
 * one per call that reached a live grant (refusals included, so the user sees them). An
 * admitted call's row is written ahead, as `started`, in the same commit as its reservation,
 * and completed under the same id when it settles; a call whose worker died is completed on
 * the next start, from its reservation, as `interrupted`.
 */

/**
 * How a call ended: the HTTP status the app received, or what cut it short.
 * - `aborted`: the app cancelled (abort signal or body cancel) before the answer was complete.
 * - `cut`: the upstream stream broke off, or the grant was revoked while it ran.
 * - `started`: admitted and not settled yet (in flight, or its worker died and the next start
 *   has not recovered it yet).
 * - `interrupted`: the worker died mid-call; billed from its reservation on the next start.
 *   The upstream may or may not have seen it.
 * - `unreachable`: the upstream could not be reached (the app got 502).
 */
export type UsageStatus = number | 'started' | 'aborted' | 'cut' | 'interrupted' | 'unreachable';

export interface UsageRow {
  id: string;
  /** Epoch ms when the call arrived. */
  time: number;
  /** The site the call came from (local mode) or the grant's origin (relay mode). */
  origin: string;
  grantId: string;
  /** OKAP provider id from the URL (`openai`, `groq`, …). */
  provider: string;
  /** Absent for calls that name no model, such as a models list. */
  model?: string;
  /** The path after `/v1/<provider>`, without the query: `/chat/completions`. */
  endpoint: string;
  status: UsageStatus;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** USD billed against the grant's limits; undefined when no price is known (and none was needed). */
  costUsd?: number;
  /** From arrival to the end of the answer (or the refusal). */
  latencyMs?: number;
  /** From arrival to the first byte of the answer's body. */
  ttfbMs?: number;
  /**
   * Something about the call's billing the person should see:
   * - `no_final_usage`: a successful answer from an endpoint that always reports usage came
   *   without its final usage, so it was billed at its reservation;
   * - `over_reservation`: the final cost exceeded what was reserved for the call.
   */
  anomaly?: UsageAnomaly;
}

export type UsageAnomaly = 'no_final_usage' | 'over_reservation';

/** Where usage rows go: a Dexie table in the extension, an SQL table on the server. */
export interface UsageSink {
  /** Appends one row. The proxy does not wait on it in the response path; failures go to its onError. */
  record(row: UsageRow): void | Promise<void>;
}
