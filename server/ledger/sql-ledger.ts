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

/** Locks the detail's counter row (creating it first), so admissions of one detail run one at a time in every process. */
async function lockCounters(tx: Queryable, grantId: string, provider: string): Promise<CounterRow> {
  await tx.query(
    `INSERT INTO counters (grant_id, provider, day, day_requests, day_spent_usd, month, month_spent_usd, recent)
     VALUES ($1, $2, '', 0, 0, '', 0, '{}') ON CONFLICT DO NOTHING`,
    [grantId, provider],
  );
  const [row] = await tx.query<CounterRow>(
    'SELECT day, day_requests, day_spent_usd, month, month_spent_usd, recent FROM counters WHERE grant_id = $1 AND provider = $2 FOR UPDATE',
    [grantId, provider],
  );
  if (!row) throw new Error('counter row vanished');
  return { ...row, recent: (row.recent ?? []).map(Number) };
}

async function saveCounters(tx: Queryable, grantId: string, provider: string, c: CounterRow): Promise<void> {
  await tx.query(
    `UPDATE counters SET day = $3, day_requests = $4, day_spent_usd = $5, month = $6, month_spent_usd = $7, recent = $8
      WHERE grant_id = $1 AND provider = $2`,
    [grantId, provider, c.day, c.day_requests, c.day_spent_usd, c.month, c.month_spent_usd, c.recent],
  );
}

/**
 * Rate windows and spend reservation in SQL, exact across every process sharing the database:
 * an admission is one transaction holding the detail's counter row lock (SELECT … FOR UPDATE),
 * in which the check, the counter increment and the reservation are written together; a
 * settlement is one transaction that deletes the reservation and adds the real cost. Reserved
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
        const [held] = await tx.query<{ day: number; month: number }>(
          `SELECT COALESCE(SUM(amount_usd) FILTER (WHERE day = $3), 0) AS day, COALESCE(SUM(amount_usd) FILTER (WHERE month = $4), 0) AS month
             FROM reservations WHERE grant_id = $1 AND provider = $2`,
          [grantId, provider, c.day, c.month],
        );
        const dayHeld = Number(held?.day ?? 0);
        const monthHeld = Number(held?.month ?? 0);
        if (limits.daily_spend !== undefined && c.day_spent_usd + dayHeld + amount > limits.daily_spend) return { ok: false, kind: 'budget_exhausted' };
        if (limits.monthly_spend !== undefined && c.month_spent_usd + monthHeld + amount > limits.monthly_spend)
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
      await saveCounters(tx, grantId, provider, c);
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
      await tx.query(
        `INSERT INTO reservations (id, grant_id, provider, amount_usd, day, month, created_at, label, instance)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, grantId, provider, amount, c.day, c.month, now, reservation.label ? JSON.stringify(reservation.label) : null, instance],
      );
      return { ok: true, reservation };
    });
  }

  /** Replaces the reservation with the real cost; false when it was already settled. */
  async function settleIn(tx: Queryable, reservationId: string, actualUsd: number | undefined, now: number): Promise<Reservation | undefined> {
    const [row] = await tx.query<ReservationRow>('DELETE FROM reservations WHERE id = $1 RETURNING *', [reservationId]);
    if (!row) return undefined;
    const r = toReservation(row);
    const c = await lockCounters(tx, r.grantId, r.provider);
    const periods = periodsOf(now, timeZone);
    roll(c, periods.day, periods.month);
    // An unknown cost bills what was held, never nothing.
    const cost = usd(actualUsd) ? actualUsd : r.amountUsd;
    if (r.day === c.day) c.day_spent_usd += cost;
    if (r.month === c.month) c.month_spent_usd += cost;
    await saveCounters(tx, r.grantId, r.provider, c);
    return r;
  }

  return {
    admit,
    async settle(reservation: Reservation, actualUsd: number, now: number): Promise<boolean> {
      return (await db.transaction((tx) => settleIn(tx, reservation.id, actualUsd, now))) !== undefined;
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
          const r = await db.transaction((tx) => settleIn(tx, id, undefined, clock()));
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
