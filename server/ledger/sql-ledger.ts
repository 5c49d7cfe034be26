import { periodsOf, secondsUntilNextDay, type AdmitRequest, type AdmitResult, type Reservation } from '../../lib/limits';
import { secondsUntilSlotFrees } from '../../lib/limits/window';
import type { UsageRow } from '../../lib/usage/types';
import type { Database } from '../db/sql';
import { USAGE_COLUMNS, usagePlaceholders, usageValues } from '../stores/usage';

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
  ...(r.label ? { label: r.label } : {}),
});

type AdmitRow = { ok: true; day: string; month: string } | { ok: false; kind: 'budget_exhausted' | 'rate_limited'; oldest?: number | null };

/**
 * One statement: the reservation row is deleted and its real cost (else what it held) added to
 * the periods it was admitted in, if they are still the counter's current ones; periods the
 * calendar has left are rolled over first, never back. Nothing happens for a reservation already
 * settled (the DELETE finds no row).
 */
const SETTLE_RESERVATION = 'r AS (DELETE FROM reservations WHERE id = $1 RETURNING *)';
const SETTLE_COUNTERS = `
UPDATE counters c SET
  day = GREATEST(c.day, $3),
  day_requests = CASE WHEN $3 > c.day THEN 0 ELSE c.day_requests END,
  day_spent_usd = CASE WHEN $3 > c.day THEN 0 ELSE c.day_spent_usd END
    + CASE WHEN r.day = GREATEST(c.day, $3) THEN COALESCE($2, r.amount_usd) ELSE 0 END,
  month = GREATEST(c.month, $4),
  month_spent_usd = CASE WHEN $4 > c.month THEN 0 ELSE c.month_spent_usd END
    + CASE WHEN r.month = GREATEST(c.month, $4) THEN COALESCE($2, r.amount_usd) ELSE 0 END
FROM r WHERE c.grant_id = r.grant_id AND c.provider = r.provider
RETURNING r.id, r.grant_id, r.provider, r.amount_usd, r.day, r.month, r.created_at, r.label, r.instance`;

/**
 * Rate windows and spend reservation in SQL, exact across every process sharing the database:
 * an admission is one statement (the `okap_admit` function, server/db/admit-function.ts) that
 * holds the detail's counter row lock while it checks, counts and reserves; a settlement is one
 * statement that deletes the reservation and adds the real cost. Reserved
 * spend is the sum of the reservation rows, so it needs no counter of its own. The same rules
 * as lib/limits/ledger.ts (the extension's ledger): spend first, then per minute, then per day.
 *
 * Shaped for the async LimitLedger (admit and settle each resolve once committed; a storage
 * failure rejects, which the caller treats as a refusal).
 */
export function sqlLedger(db: Database, options: { instance: number; timeZone: string; now?: () => number }) {
  const { instance, timeZone } = options;
  const clock = options.now ?? Date.now;

  async function admit(request: AdmitRequest, id: string = crypto.randomUUID()): Promise<AdmitResult> {
    const { grantId, provider, now } = request;
    const limits = request.limits ?? {};
    const spendLimited = limits.daily_spend !== undefined || limits.monthly_spend !== undefined;
    if (spendLimited && !usd(request.estimateUsd)) return { ok: false, kind: 'price_unknown' };
    const amount = usd(request.estimateUsd) ? request.estimateUsd : 0;
    const periods = periodsOf(now, timeZone);
    const label = request.label ? { ...request.label } : undefined;
    // One statement (server/db/admit-function.ts): the check, the counters and the reservation.
    const [row] = await db.query<{ result: AdmitRow }>(
      'SELECT okap_admit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AS result',
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
      ],
    );
    const r = row?.result;
    if (!r) throw new Error('okap_admit returned nothing');
    if (r.ok) {
      return { ok: true, reservation: { id, grantId, provider, amountUsd: amount, day: r.day, month: r.month, createdAt: now, ...(label ? { label } : {}) } };
    }
    if (r.kind === 'budget_exhausted') return { ok: false, kind: 'budget_exhausted' };
    const retryAfterSeconds = r.oldest !== undefined && r.oldest !== null ? secondsUntilSlotFrees([r.oldest], now) : secondsUntilNextDay(now, timeZone);
    return { ok: false, kind: 'rate_limited', retryAfterSeconds };
  }

  /**
   * Replaces the reservation with the real cost (undefined: what it held); undefined when it was
   * already settled. With `usage`, the call's usage row is written in the same statement.
   */
  async function settleOne(reservationId: string, actualUsd: number | undefined, now: number, usage?: UsageRow): Promise<Reservation | undefined> {
    const periods = periodsOf(now, timeZone);
    const params = [reservationId, usd(actualUsd) ? actualUsd : null, periods.day, periods.month];
    const usageCte = usage ? `u AS (INSERT INTO usage (${USAGE_COLUMNS}) VALUES ${usagePlaceholders(5)}), ` : '';
    const text = `WITH ${usageCte}${SETTLE_RESERVATION} ${SETTLE_COUNTERS}`;
    const [row] = await db.query<ReservationRow>(text, usage ? [...params, ...usageValues(usage)] : params);
    return row ? toReservation(row) : undefined;
  }

  return {
    admit,
    /** With `usage`: the call's usage row lands in the same statement (whether or not the reservation was still open). */
    async settle(reservation: Reservation, actualUsd: number, now: number, usage?: UsageRow): Promise<boolean> {
      return (await settleOne(reservation.id, actualUsd, now, usage)) !== undefined;
    },
    /**
     * Bills, at their reserved amount, the reservations of processes that are gone (their life
     * lock is free), and hands each to `onOrphan` to log. Run at start, before serving calls.
     */
    async recoverOrphans(onOrphan?: (r: Reservation) => void | Promise<void>): Promise<Reservation[]> {
      const instances = await db.query<{ instance: number }>('SELECT DISTINCT instance FROM reservations WHERE instance <> $1', [instance]);
      const recovered: Reservation[] = [];
      for (const { instance: other } of instances) {
        if (!(await db.lifeLockFree(other))) continue;
        const ids = await db.query<{ id: string }>('SELECT id FROM reservations WHERE instance = $1', [other]);
        for (const { id } of ids) {
          const r = await settleOne(id, undefined, clock());
          if (!r) continue;
          recovered.push(r);
          await onOrphan?.(r);
        }
      }
      return recovered;
    },
    async openReservations(): Promise<number> {
      const [row] = await db.query<{ n: number }>('SELECT COUNT(*)::integer AS n FROM reservations');
      return row?.n ?? 0;
    },
  };
}
export type SqlLedger = ReturnType<typeof sqlLedger>;
