import type { Reservation } from '../limits/types';
import type { UsageRow } from '../usage/types';
import type { ProxyDeps } from './deps';
import { newRowId, recordRow } from './settle';

function interruptedRow(r: Reservation, id: string): UsageRow {
  return {
    id,
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
 * Settles the calls a dead worker left in flight: each is billed its reservation and logged
 * as `interrupted`. Call once at start, before the first `handle`.
 */
export async function recoverInterruptedCalls(deps: Pick<ProxyDeps, 'limits' | 'usage' | 'onError' | 'newId'>): Promise<number> {
  const orphans = await deps.limits.recoverOrphans((r) => {
    recordRow(deps, interruptedRow(r, newRowId(deps)));
  });
  return orphans.length;
}
