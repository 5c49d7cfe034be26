import type { UsageRow, UsageSink } from '../usage/types';
import type { VaultDb } from './schema';

/**
 * One row per call, newest first for the Activity page. Rows are written in batches, one transaction
 * per batch, so that a busy app does not queue one IndexedDB write per call behind its next calls.
 * Limits do not depend on these rows (they use the running counters), so a row still in the batch
 * when the worker dies costs the history one line, never a budget.
 */
export function dexieUsageLog(db: VaultDb): UsageSink & { recent(limit: number): Promise<UsageRow[]>; flush(): Promise<void> } {
  let batch: UsageRow[] = [];
  let writing: Promise<void> | undefined;

  function flush(): Promise<void> {
    writing ??= (async () => {
      while (batch.length) {
        const rows = batch;
        batch = [];
        await db.usage.bulkPut(rows);
      }
    })().finally(() => (writing = undefined));
    return writing;
  }

  return {
    record(row) {
      batch.push(row);
      return flush();
    },
    flush,
    async recent(limit) {
      await flush();
      return db.usage.orderBy('time').reverse().limit(limit).toArray();
    },
  };
}
