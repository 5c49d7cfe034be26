import Dexie from 'dexie';
import type { UsageRow, UsageSink } from '../usage/types';
import type { VaultDb } from './schema';

/**
 * The Activity page's reader, and the writer of refusal rows (calls refused before admission,
 * which were never forwarded and cost nothing). Admitted calls' rows are not written here: the
 * ledger commits them ahead, with the reservation (see LimitLedger). Refusal rows are written in
 * batches so that an app hammering a refusal does not queue one transaction per call; a refusal
 * still in the batch when the worker dies costs the history one line of a call that never left.
 */
export interface UsageReader {
  recent(limit: number): Promise<UsageRow[]>;
  all(): Promise<UsageRow[]>;
  /** Epoch ms of a grant's latest call, from the `[grantId+time]` index. */
  lastUsed(grantId: string): Promise<number | undefined>;
  flush(): Promise<void>;
}

export function dexieUsageLog(db: VaultDb): UsageSink & UsageReader {
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
    async lastUsed(grantId) {
      await flush();
      return (await db.usage.where('[grantId+time]').between([grantId, Dexie.minKey], [grantId, Dexie.maxKey]).last())?.time;
    },
    /** Every row, oldest first: for the CSV export. */
    async all() {
      await flush();
      return db.usage.orderBy('time').toArray();
    },
  };
}
