import { periodsOf, secondsUntilNextDay, type AdmitRequest, type AdmitResult, type Reservation } from '../../lib/limits';
import { pruneWindow, secondsUntilSlotFrees } from '../../lib/limits/window';
import type { Database, Queryable } from '../db/sql';

interface CounterRow {
  day: string;
  day_requests: number;
  day_spent_usd: number;
  month: string;
  month_spent_usd: number;
  recent: number[];
}

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

/** Starts new periods when the calendar moved on; never backwards (a clock set back gets no fresh budget). */
function roll(c: CounterRow, day: string, month: string): void {
  if (day > c.day) Object.assign(c, { day, day_requests: 0, day_spent_usd: 0 });
  if (month > c.month) Object.assign(c, { month, month_spent_usd: 0 });
}

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

/**
 * Locks the detail's counter row, creating it first (an upsert takes the row lock in one
 * statement), so admissions of one detail run one at a time in every process.
 */
async function lockCounters(tx: Queryable, grantId: string, provider: string): Promise<CounterRow> {
  const [row] = await tx.query<CounterRow>(
    `INSERT INTO counters AS c (grant_id, provider, day, day_requests, day_spent_usd, month, month_spent_usd, recent)
     VALUES ($1, $2, '', 0, 0, '', 0, '{}')
     ON CONFLICT (grant_id, provider) DO UPDATE SET grant_id = c.grant_id
     RETURNING c.day, c.day_requests, c.day_spent_usd, c.month, c.month_spent_usd, c.recent`,
    [grantId, provider],
  );
  if (!row) throw new Error('counter row vanished');
  return { ...row, recent: (row.recent ?? []).map(Number) };
}

/**
 * What the detail's open reservations hold in the day and the month. A statement of its own,
 * after the lock: under READ COMMITTED it sees every reservation committed before the lock was
 * granted, which a subquery of the locking statement (with that statement's older snapshot) would not.
 */
async function held(tx: Queryable, grantId: string, provider: string, day: string, month: string): Promise<{ day: number; month: number }> {
  const [row] = await tx.query<{ day: number; month: number }>(
    `SELECT COALESCE(SUM(amount_usd) FILTER (WHERE day = $3), 0) AS day, COALESCE(SUM(amount_usd) FILTER (WHERE month = $4), 0) AS month
       FROM reservations WHERE grant_id = $1 AND provider = $2`,
    [grantId, provider, day, month],
  );
  return { day: Number(row?.day ?? 0), month: Number(row?.month ?? 0) };
}

/**
 * One statement: the reservation row is deleted and its real cost (else what it held) added to
 * the periods it was admitted in, if they are still the counter's current ones; periods the
 * calendar has left are rolled over first, never back. Nothing happens for a reservation already
 * settled (the DELETE finds no row).
 */
const SETTLE = `
WITH r AS (DELETE FROM reservations WHERE id = $1 RETURNING *)
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
 * an admission is one transaction holding the detail's counter row lock (an upsert), in which
 * the check, the counter increment and the reservation are written together; a settlement is
 * one statement that deletes the reservation and adds the real cost. Reserved
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
    return db.transaction(async (tx) => {
      const c = await lockCounters(tx, grantId, provider);
      roll(c, periods.day, periods.month);
      if (spendLimited && amount > 0) {
        const h = await held(tx, grantId, provider, c.day, c.month);
        if (limits.daily_spend !== undefined && c.day_spent_usd + h.day + amount > limits.daily_spend) return { ok: false, kind: 'budget_exhausted' };
        if (limits.monthly_spend !== undefined && c.month_spent_usd + h.month + amount > limits.monthly_spend)
          return { ok: false, kind: 'budget_exhausted' };
      }
      const perMinute = limits.requests_per_minute;
      if (perMinute !== undefined && pruneWindow(c.recent, now) >= perMinute) {
        return { ok: false, kind: 'rate_limited', retryAfterSeconds: secondsUntilSlotFrees(c.recent, now) };
      }
      if (limits.requests_per_day !== undefined && c.day_requests >= limits.requests_per_day) {
        return { ok: false, kind: 'rate_limited', retryAfterSeconds: secondsUntilNextDay(now, timeZone) };
      }
      if (perMinute !== undefined) c.recent.push(now);
      else c.recent = [];
      c.day_requests++;
      const reservation: Reservation = {
        id,
        grantId,
        provider,
        amountUsd: amount,
        day: c.day,
        month: c.month,
        createdAt: now,
        ...(request.label ? { label: { ...request.label } } : {}),
      };
      // The counters and the reservation in one statement.
      await tx.query(
        `WITH r AS (INSERT INTO reservations (id, grant_id, provider, amount_usd, day, month, created_at, label, instance)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9))
         UPDATE counters SET day = $5, day_requests = $10, day_spent_usd = $11, month = $6, month_spent_usd = $12, recent = $13
          WHERE grant_id = $2 AND provider = $3`,
        [
          id,
          grantId,
          provider,
          amount,
          c.day,
          c.month,
          now,
          reservation.label ? JSON.stringify(reservation.label) : null,
          instance,
          c.day_requests,
          c.day_spent_usd,
          c.month_spent_usd,
          c.recent,
        ],
      );
      return { ok: true, reservation };
    });
  }

  /** Replaces the reservation with the real cost (undefined: what it held); undefined when it was already settled. */
  async function settleOne(reservationId: string, actualUsd: number | undefined, now: number): Promise<Reservation | undefined> {
    const periods = periodsOf(now, timeZone);
    const [row] = await db.query<ReservationRow>(SETTLE, [reservationId, usd(actualUsd) ? actualUsd : null, periods.day, periods.month]);
    return row ? toReservation(row) : undefined;
  }

  return {
    admit,
    async settle(reservation: Reservation, actualUsd: number, now: number): Promise<boolean> {
      return (await settleOne(reservation.id, actualUsd, now)) !== undefined;
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
