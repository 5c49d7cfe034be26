import type { LimitLedger, ReservationLabel, Reservation } from '../limits/types';
import type { Limits } from '../protocol';
import { ProxyError } from './errors';

export interface Admission {
  ledger: LimitLedger;
  grantId: string;
  providerId: string;
  limits: Limits | undefined;
  estimateUsd: number | undefined;
  label: ReservationLabel;
  revoked: AbortSignal | undefined;
  now: () => number;
}

export const hasSpendLimit = (limits: Limits | undefined): boolean =>
  limits?.daily_spend !== undefined || limits?.monthly_spend !== undefined;

/**
 * The atomic step: after the detail's counters are loaded, the check and the reservation run
 * with no await between them, so concurrent calls cannot all slip under one limit.
 */
export async function admit(a: Admission): Promise<Reservation> {
  await a.ledger.prepare(a.grantId, a.providerId);
  // The grant may have been revoked while the counters loaded.
  if (a.revoked?.aborted) throw new ProxyError('token_revoked');
  const result = a.ledger.admit({
    grantId: a.grantId,
    provider: a.providerId,
    limits: a.limits,
    estimateUsd: a.estimateUsd,
    now: a.now(),
    label: a.label,
  });
  if (result.ok) return result.reservation;
  throw result.kind === 'rate_limited'
    ? new ProxyError('rate_limited', undefined, result.retryAfterSeconds)
    : new ProxyError(result.kind);
}
