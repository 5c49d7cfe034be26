import {
  periodsOf,
  secondsUntilNextDay,
  type AdmitRequest,
  type AdmitResult,
  type CounterSnapshot,
  type LimitLedger,
  type Overrun,
  type Reservation,
} from '../../lib/limits';
import { secondsUntilSlotFrees, WINDOW_MS } from '../../lib/limits/window';
import type { UsageRow } from '../../lib/usage/types';
import type { Database } from '../db/sql';
import { usageJson } from '../stores/usage';

interface ReservationRow {
  id: string;
  grant_id: string;
  provider: string;
  amount_usd: number;
  day: string;
  month: string;
  created_at: number;
  label: Reservation['label'] | null;
  instance: number;
  spend_limited: boolean;
}

const usd = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n) && n >= 0;

const toReservation = (r: ReservationRow): Reservation => ({
  id: r.id,
  grantId: r.grant_id,
  provider: r.provider,
  amountUsd: r.amount_usd,
  day: r.day,
  month: r.month,
  createdAt: r.created_at,
  ...(r.spend_limited ? { spendLimited: true as const } : {}),
  ...(r.label ? { label: r.label } : {}),
});

type AdmitRow =
  | { ok: true; day: string; month: string }
  | { ok: false; kind: 'budget_exhausted' | 'rate_limited'; oldest?: number | null }
  | { ok: false; kind: 'overrun_hold'; overrun: Overrun };

/**
 * One statement, so one transaction: the reservation row is deleted, its real cost (else what it
 * held) added to the periods it was admitted in if they are still the counter's current ones
 * (periods the calendar has left are rolled over first, never back), the overrun hold set when a
 * spend-limited call cost more than it held (lib/limits/live.ts `exceeds`: the same float slack),
 * and, with a row ($6), the call's `started` row completed in place. Nothing happens for a
 * reservation already settled: the DELETE finds no row, and every later part reads from it.
 * $1 id, $2 cost or null, $3 day, $4 month, $5 now, $6 row (jsonb) or null.
 */
const SETTLE = `
WITH r AS (DELETE FROM reservations WHERE id = $1 RETURNING *),
k AS (
  UPDATE counters c SET
    day = GREATEST(c.day, $3),
    day_requests = CASE WHEN $3 > c.day THEN 0 ELSE c.day_requests END,
    day_spent_usd = CASE WHEN $3 > c.day THEN 0 ELSE c.day_spent_usd END
      + CASE WHEN r.day = GREATEST(c.day, $3) THEN COALESCE($2, r.amount_usd) ELSE 0 END,
    month = GREATEST(c.month, $4),
    month_spent_usd = CASE WHEN $4 > c.month THEN 0 ELSE c.month_spent_usd END
      + CASE WHEN r.month = GREATEST(c.month, $4) THEN COALESCE($2, r.amount_usd) ELSE 0 END,
    overrun = CASE
      WHEN r.spend_limited AND COALESCE($2, r.amount_usd) > r.amount_usd * (1 + 1e-9) + 1e-12 THEN jsonb_build_object(
        'reservationId', r.id, 'reservedUsd', r.amount_usd, 'costUsd', COALESCE($2, r.amount_usd), 'at', $5::double precision, 'day', GREATEST(c.day, $3))
      WHEN c.overrun->>'day' < GREATEST(c.day, $3) THEN NULL
      ELSE c.overrun END
  FROM r WHERE c.grant_id = r.grant_id AND c.provider = r.provider
  RETURNING r.*
),
u AS (
  INSERT INTO usage SELECT p.* FROM r, jsonb_populate_record(NULL::usage, $6::jsonb || jsonb_build_object('id', r.id)) p WHERE $6::jsonb IS NOT NULL
  ON CONFLICT (id) DO UPDATE SET time = EXCLUDED.time, origin = EXCLUDED.origin, grant_id = EXCLUDED.grant_id, provider = EXCLUDED.provider,
    model = EXCLUDED.model, endpoint = EXCLUDED.endpoint, status = EXCLUDED.status, input_tokens = EXCLUDED.input_tokens,
    output_tokens = EXCLUDED.output_tokens, cache_read_tokens = EXCLUDED.cache_read_tokens, cache_write_tokens = EXCLUDED.cache_write_tokens,
    reasoning_tokens = EXCLUDED.reasoning_tokens, cost_usd = EXCLUDED.cost_usd, latency_ms = EXCLUDED.latency_ms, ttfb_ms = EXCLUDED.ttfb_ms
)
SELECT * FROM k`;

/**
 * The LimitLedger port over SQL, exact across every process sharing the database (the five
 * invariants of lib/limits/types.ts):
 * 1. write-ahead: an admission is one statement (`okap_admit`, server/db/ledger-v3.ts) that
 *    checks, counts, reserves and inserts the call's `started` row under the reservation's id,
 *    and resolves only once committed; a failing database resolves `storage_unavailable`;
 * 2. atomic check: that statement holds the detail's counter row lock while it checks;
 * 3. a settlement is one statement (SETTLE);
 * 4. recovery bills the reservations of processes whose life lock is free, one statement each;
 * 5. the overrun hold lives in `counters.overrun`, with the extension ledger's rules.
 * Reserved spend is the sum of the reservation rows, so it needs no counter of its own.
 */
export function sqlLedger(db: Database, options: { instance: number; timeZone: string; now?: () => number; onError?: (error: unknown) => void }) {
  const { instance, timeZone } = options;
  const clock = options.now ?? Date.now;
  /** Settlements not yet committed: a shutdown waits for them before it closes the database. */
  const settling = new Set<Promise<unknown>>();

  async function admit(request: AdmitRequest): Promise<AdmitResult> {
    const { grantId, provider, now } = request;
    const id = crypto.randomUUID();
    const limits = request.limits ?? {};
    const spendLimited = limits.daily_spend !== undefined || limits.monthly_spend !== undefined;
    if (spendLimited && !usd(request.estimateUsd)) return { ok: false, kind: 'price_unknown' };
    const amount = usd(request.estimateUsd) ? request.estimateUsd : 0;
    const periods = periodsOf(now, timeZone);
    const label = request.label ? { ...request.label } : undefined;
    let r: AdmitRow | undefined;
    try {
      const [row] = await db.query<{ result: AdmitRow }>(
        'SELECT okap_admit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS result',
        [
          id,
          grantId,
          provider,
          now,
          periods.day,
          periods.month,
          amount,
          limits.daily_spend ?? null,
          limits.monthly_spend ?? null,
          limits.requests_per_minute ?? null,
          limits.requests_per_day ?? null,
          label ? JSON.stringify(label) : null,
          instance,
          request.row ? usageJson({ ...request.row, id }) : null,
        ],
      );
      r = row?.result;
      if (!r) throw new Error('okap_admit returned nothing');
    } catch (error) {
      // One statement: it committed nothing, so nothing may be forwarded.
      options.onError?.(error);
      return { ok: false, kind: 'storage_unavailable', error };
    }
    if (r.ok) {
      const reservation: Reservation = {
        id,
        grantId,
        provider,
        amountUsd: amount,
        day: r.day,
        month: r.month,
        createdAt: now,
        ...(spendLimited ? { spendLimited: true as const } : {}),
        ...(label ? { label } : {}),
      };
      return { ok: true, reservation };
    }
    if (r.kind === 'budget_exhausted') return { ok: false, kind: 'budget_exhausted' };
    if (r.kind === 'overrun_hold') return { ok: false, kind: 'overrun_hold', overrun: r.overrun };
    const retryAfterSeconds = r.oldest !== undefined && r.oldest !== null ? secondsUntilSlotFrees([r.oldest], now) : secondsUntilNextDay(now, timeZone);
    return { ok: false, kind: 'rate_limited', retryAfterSeconds };
  }

  /** Replaces the reservation with the real cost (undefined: what it held); undefined when it was already settled. */
  async function settleOne(reservationId: string, actualUsd: number | undefined, now: number, row?: UsageRow): Promise<Reservation | undefined> {
    const periods = periodsOf(now, timeZone);
    const params = [reservationId, usd(actualUsd) ? actualUsd : null, periods.day, periods.month, now, row ? usageJson(row) : null];
    const [settled] = await db.query<ReservationRow>(SETTLE, params);
    return settled ? toReservation(settled) : undefined;
  }

  const ledger: LimitLedger = {
    admit,
    async settle(reservation, actualUsd, now, row) {
      const pending = settleOne(reservation.id, actualUsd, now, row);
      settling.add(pending);
      try {
        return (await pending) !== undefined;
      } finally {
        settling.delete(pending);
      }
    },
    async snapshot(grantId, provider, now): Promise<CounterSnapshot> {
      const periods = periodsOf(now, timeZone);
      const [c] = await db.query<{ day: string; day_requests: number; day_spent_usd: number; month: string; month_spent_usd: number; recent: number[] }>(
        'SELECT day, day_requests, day_spent_usd, month, month_spent_usd, recent FROM counters WHERE grant_id = $1 AND provider = $2',
        [grantId, provider],
      );
      const [held] = await db.query<{ day_usd: number; month_usd: number }>(
        'SELECT COALESCE(SUM(amount_usd) FILTER (WHERE day = $3), 0) AS day_usd, COALESCE(SUM(amount_usd) FILTER (WHERE month = $4), 0) AS month_usd FROM reservations WHERE grant_id = $1 AND provider = $2',
        [grantId, provider, periods.day, periods.month],
      );
      // A period the calendar has left counts nothing; one the clock went back from still counts.
      const sameDay = c !== undefined && periods.day <= c.day;
      const sameMonth = c !== undefined && periods.month <= c.month;
      return {
        day: sameDay ? c.day : periods.day,
        dayRequests: sameDay ? c.day_requests : 0,
        daySpentUsd: sameDay ? c.day_spent_usd : 0,
        dayReservedUsd: held?.day_usd ?? 0,
        month: sameMonth ? c.month : periods.month,
        monthSpentUsd: sameMonth ? c.month_spent_usd : 0,
        monthReservedUsd: held?.month_usd ?? 0,
        lastMinuteRequests: (c?.recent ?? []).filter((t) => t > now - WINDOW_MS).length,
      };
    },
    /**
     * Bills, at their reserved amount, the reservations of processes that are gone (their life
     * lock is free), each with the row `toRow` makes (its `started` row completed), one statement
     * each. Run at start, before serving calls.
     */
    async recoverOrphans(toRow) {
      const instances = await db.query<{ instance: number }>('SELECT DISTINCT instance FROM reservations WHERE instance <> $1', [instance]);
      const recovered: Reservation[] = [];
      for (const { instance: other } of instances) {
        if (!(await db.lifeLockFree(other))) continue;
        const orphans = await db.query<ReservationRow>('SELECT * FROM reservations WHERE instance = $1', [other]);
        for (const orphan of orphans) {
          const reservation = toReservation(orphan);
          let row: UsageRow | undefined;
          try {
            row = toRow ? { ...toRow(reservation), id: reservation.id } : undefined;
          } catch (error) {
            options.onError?.(error);
          }
          const settled = await settleOne(reservation.id, undefined, clock(), row);
          if (settled) recovered.push(settled);
        }
      }
      return recovered;
    },
    async overruns() {
      const today = periodsOf(clock(), timeZone).day;
      const rows = await db.query<{ grant_id: string; provider: string; overrun: Overrun }>(
        "SELECT grant_id, provider, overrun FROM counters WHERE overrun IS NOT NULL AND overrun->>'day' >= $1 ORDER BY grant_id, provider",
        [today],
      );
      return rows.map((r) => ({ ...r.overrun, grantId: r.grant_id, provider: r.provider }));
    },
    async acknowledgeOverrun(grantId, provider) {
      await db.query('UPDATE counters SET overrun = NULL WHERE grant_id = $1 AND provider = $2', [grantId, provider]);
    },
  };

  return {
    ...ledger,
    /** Resolves once every settlement begun so far is committed (or failed). */
    async idle(): Promise<void> {
      // A stream cut as the server closes settles a tick later: let it begin, then wait for all.
      do {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.allSettled([...settling]);
      } while (settling.size > 0);
    },
    async openReservations(): Promise<number> {
      const [row] = await db.query<{ n: number }>('SELECT COUNT(*)::integer AS n FROM reservations');
      return row?.n ?? 0;
    },
  };
}
export type SqlLedger = ReturnType<typeof sqlLedger>;
