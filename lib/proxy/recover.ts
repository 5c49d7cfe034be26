import type { Reservation } from '../limits/types';
import type { UsageRow } from '../usage/types';
import type { ProxyDeps } from './deps';

/** The finished row of a call whose worker died: its started row, billed its reservation. */
function interruptedRow(r: Reservation): UsageRow {
  return {
    id: r.id,
    time: r.createdAt,
    origin: r.label?.origin ?? '',
    grantId: r.grantId,
    provider: r.provider,
    ...(r.label?.model !== undefined ? { model: r.label.model } : {}),
    endpoint: r.label?.endpoint ?? '',
    status: 'interrupted',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: r.amountUsd,
  };
}

/**
 * Settles the calls a dead worker left in flight: each is billed its reservation (an upper
 * bound) and its row, written ahead at admission, is completed as `interrupted`, in one commit
 * with the reservation's removal. Call once at start, before the first `handle`.
 */
export async function recoverInterruptedCalls(deps: Pick<ProxyDeps, 'limits'>): Promise<number> {
  const orphans = await deps.limits.recoverOrphans(interruptedRow);
  return orphans.length;
}
