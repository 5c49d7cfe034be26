import type { UsageRow, UsageSink } from '../usage/types';
import type { VaultDb } from './schema';

/** One row per call, newest first for the Activity page. */
export function dexieUsageLog(db: VaultDb): UsageSink & { recent(limit: number): Promise<UsageRow[]> } {
  return {
    async record(row) {
      await db.usage.put(row);
    },
    recent: (limit) => db.usage.orderBy('time').reverse().limit(limit).toArray(),
  };
}
