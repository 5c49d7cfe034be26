import type { Reservation } from '../limits/types';
import { costOf, type PriceOverride } from '../pricing';
import type { Usage } from '../providers/types';
import type { UsageAnomaly, UsageRow, UsageStatus } from '../usage/types';
import type { ProviderKey, ProxyDeps } from './deps';

/** What a call that passed admission is, for billing and the activity log. */
export interface AdmittedCall {
  startedAt: number;
  origin: string;
  grantId: string;
  providerId: string;
  model: string | undefined;
  endpoint: string;
  key: ProviderKey;
  overrides: readonly PriceOverride[];
  reservation: Reservation;
  /** Whether a price was known when the call was admitted (the reservation is a real bound). */
  priced: boolean;
  /** The endpoint reports usage in every successful answer; a 2xx without it is an anomaly. */
  reportsUsage?: boolean;
}

export interface CallOutcome {
  status: UsageStatus;
  usage?: Usage;
  /**
   * The usage came with (or before) the provider's terminal event, or in a complete JSON
   * body: it is the call's total. Anything else is a lower bound at best.
   */
  final?: boolean;
  /**
   * Whether the provider may bill the call although it reported no usage: it answered 2xx, or
   * the call was aborted after it was sent. Not for error answers or an unreachable upstream.
   */
  billable: boolean;
  firstByteAt?: number;
}

interface Costs {
  charged: number;
  shown: number | undefined;
  anomaly?: UsageAnomaly;
}

const is2xx = (status: UsageStatus): boolean => typeof status === 'number' && status >= 200 && status < 300;

/**
 * What a call costs against its limits:
 * - final usage, priced: its real cost (user overrides first); marked `over_reservation` if
 *   that exceeds what was reserved (the ledger then holds the grant back);
 * - otherwise, if billable: at least the reservation, an upper bound (a call that reports no
 *   usage, or was cut or aborted before its terminal event, is never billed from early or
 *   partial figures, which are not totals), or the partial usage's cost if that is higher;
 *   a 2xx without final usage from an endpoint that always reports it is `no_final_usage`;
 * - otherwise (error status, unreachable): what usage it reported, else nothing.
 * The row's cost is undefined when no price is known at all.
 */
function costs(call: AdmittedCall, outcome: CallOutcome, at: number): Costs {
  const real = outcome.usage
    ? costOf(call.key.kind, call.model ?? '', outcome.usage, call.overrides, { baseUrl: call.key.baseUrl, at: new Date(at) })
    : undefined;
  const held = call.reservation.amountUsd;
  if (!outcome.billable) return { charged: real ?? 0, shown: real ?? 0 };
  if (outcome.final === true && real !== undefined) {
    const over = call.priced && real > held * (1 + 1e-9) + 1e-12;
    return { charged: real, shown: real, ...(over ? { anomaly: 'over_reservation' as const } : {}) };
  }
  const charged = Math.max(held, real ?? 0);
  const missing = call.reportsUsage === true && is2xx(outcome.status);
  return {
    charged,
    shown: call.priced || real !== undefined ? charged : undefined,
    ...(missing ? { anomaly: 'no_final_usage' as const } : {}),
  };
}

function rowOf(call: AdmittedCall, outcome: CallOutcome, id: string, endedAt: number, costUsd: number | undefined, anomaly?: UsageAnomaly): UsageRow {
  const u = outcome.usage;
  return {
    id,
    time: call.startedAt,
    origin: call.origin,
    grantId: call.grantId,
    provider: call.providerId,
    ...(call.model !== undefined ? { model: call.model } : {}),
    endpoint: call.endpoint,
    status: outcome.status,
    inputTokens: u?.inputTokens ?? 0,
    outputTokens: u?.outputTokens ?? 0,
    cacheReadTokens: u?.cacheReadTokens ?? 0,
    cacheWriteTokens: u?.cacheWriteTokens ?? 0,
    reasoningTokens: u?.reasoningTokens ?? 0,
    ...(costUsd !== undefined ? { costUsd } : {}),
    latencyMs: endedAt - call.startedAt,
    ...(outcome.firstByteAt !== undefined ? { ttfbMs: outcome.firstByteAt - call.startedAt } : {}),
    ...(anomaly !== undefined ? { anomaly } : {}),
  };
}

/** Writes a row without letting a failing sink fail the call. */
export function recordRow(deps: Pick<ProxyDeps, 'usage' | 'onError'>, row: UsageRow): void {
  const report = (error: unknown): void => deps.onError?.(error);
  try {
    const pending = deps.usage.record(row);
    if (pending) pending.catch(report);
  } catch (error) {
    report(error);
  }
}

export const newRowId = (deps: Pick<ProxyDeps, 'newId'>): string => (deps.newId ? deps.newId() : crypto.randomUUID());

/**
 * A function that settles the call the first time it is called and ignores later calls. The
 * ledger replaces the reservation with the cost and completes the call's row (its id is the
 * reservation's) in one commit; the answer does not wait for it. Should that commit fail, the
 * reservation stays and the next start bills it as `interrupted`, an upper bound.
 */
export function settler(call: AdmittedCall, deps: ProxyDeps): (outcome: CallOutcome) => Promise<void> {
  let done = false;
  return async (outcome) => {
    if (done) return;
    done = true;
    const endedAt = deps.now();
    let charged = call.reservation.amountUsd;
    let shown: number | undefined = call.priced ? charged : undefined;
    let anomaly: UsageAnomaly | undefined;
    try {
      ({ charged, shown, anomaly } = costs(call, outcome, endedAt));
    } catch (error) {
      deps.onError?.(error);
    }
    try {
      await deps.limits.settle(call.reservation, charged, endedAt, rowOf(call, outcome, call.reservation.id, endedAt, shown, anomaly));
    } catch (error) {
      deps.onError?.(error);
    }
  };
}
