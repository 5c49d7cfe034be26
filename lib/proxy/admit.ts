import type { LimitLedger, ReservationLabel, Reservation } from '../limits/types';
import type { Limits } from '../protocol';
import type { UsageRow } from '../usage/types';
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
  /** When the call arrived: its row's time. Default: now. */
  startedAt?: number;
}

export const hasSpendLimit = (limits: Limits | undefined): boolean =>
  limits?.daily_spend !== undefined || limits?.monthly_spend !== undefined;

/** The row an admitted call has until it settles, written ahead with its reservation. */
function startedRow(a: Admission, startedAt: number): Omit<UsageRow, 'id'> {
  return {
    time: startedAt,
    origin: a.label.origin,
    grantId: a.grantId,
    provider: a.providerId,
    ...(a.label.model !== undefined ? { model: a.label.model } : {}),
    endpoint: a.label.endpoint,
    status: 'started',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * Write-ahead admission: resolves only once the ledger has durably committed the call's
 * reservation, counters and `started` row (see LimitLedger), so nothing is forwarded that a
 * crash could make the wallet forget. The ledger's check and reservation are atomic.
 */
export async function admit(a: Admission): Promise<Reservation> {
  // The grant may have been revoked while earlier stages ran.
  if (a.revoked?.aborted) throw new ProxyError('token_revoked');
  const now = a.now();
  const result = await a.ledger.admit({
    grantId: a.grantId,
    provider: a.providerId,
    limits: a.limits,
    estimateUsd: a.estimateUsd,
    now,
    label: a.label,
    row: startedRow(a, a.startedAt ?? now),
  });
  if (result.ok) return result.reservation;
  switch (result.kind) {
    case 'rate_limited':
      throw new ProxyError('rate_limited', undefined, result.retryAfterSeconds);
    case 'overrun_hold':
      throw new ProxyError(
        'budget_exhausted',
        `A call of this grant cost $${result.overrun.costUsd.toFixed(4)}, more than the $${result.overrun.reservedUsd.toFixed(4)} held for it, so the OKAP vault holds further paid calls until the person reviews it in the wallet or the day ends`,
      );
    case 'storage_unavailable':
      throw new ProxyError('storage_unavailable');
    default:
      throw new ProxyError(result.kind);
  }
}
