import type { CounterSnapshot } from '../limits/types';
import type { Limits } from '../protocol';
import { isLive } from './store';
import type { Grant } from './types';

/** One granted detail's use so far, from the ledger's running counters (never a scan of the history). */
export interface DetailUse {
  provider: string;
  limits?: Limits;
  requestsToday: number;
  /** Settled spend of today and of this month, in USD; what calls in flight hold is apart. */
  daySpentUsd: number;
  monthSpentUsd: number;
  reservedUsd: number;
}

export type GrantStatus = 'active' | 'paused' | 'revoked' | 'expired';

export interface GrantOverview {
  grant: Grant;
  status: GrantStatus;
  use: DetailUse[];
  /** Epoch ms of the grant's latest call, if any. */
  lastUsedAt?: number;
}

export interface AppOverview {
  origin: string;
  name: string;
  grants: GrantOverview[];
  monthSpentUsd: number;
  daySpentUsd: number;
}

export function grantStatus(grant: Grant, now: number): GrantStatus {
  if (grant.revokedAt > 0) return 'revoked';
  if (!isLive(grant, now)) return 'expired';
  return grant.pausedAt ? 'paused' : 'active';
}

export interface OverviewSources {
  snapshot(grantId: string, provider: string, now: number): Promise<CounterSnapshot>;
  lastUsed(grantId: string): Promise<number | undefined>;
}

/** Every app (origin) with its grants and their spend, the biggest spender this month first. */
export async function appOverviews(grants: readonly Grant[], sources: OverviewSources, now: number): Promise<AppOverview[]> {
  const overviews = await Promise.all(
    grants.map(async (grant): Promise<GrantOverview> => {
      const use = await Promise.all(
        grant.details.map(async (detail): Promise<DetailUse> => {
          const s = await sources.snapshot(grant.id, detail.provider, now);
          return {
            provider: detail.provider,
            ...(detail.limits ? { limits: detail.limits } : {}),
            requestsToday: s.dayRequests,
            daySpentUsd: s.daySpentUsd,
            monthSpentUsd: s.monthSpentUsd,
            reservedUsd: s.dayReservedUsd,
          };
        }),
      );
      const lastUsedAt = await sources.lastUsed(grant.id);
      return { grant, status: grantStatus(grant, now), use, ...(lastUsedAt !== undefined ? { lastUsedAt } : {}) };
    }),
  );
  const byOrigin = new Map<string, AppOverview>();
  for (const o of overviews) {
    const app = byOrigin.get(o.grant.origin) ?? { origin: o.grant.origin, name: o.grant.client.name, grants: [], monthSpentUsd: 0, daySpentUsd: 0 };
    app.grants.push(o);
    for (const u of o.use) {
      app.monthSpentUsd += u.monthSpentUsd;
      app.daySpentUsd += u.daySpentUsd;
    }
    byOrigin.set(app.origin, app);
  }
  return [...byOrigin.values()].sort((a, b) => b.monthSpentUsd - a.monthSpentUsd || a.origin.localeCompare(b.origin));
}
