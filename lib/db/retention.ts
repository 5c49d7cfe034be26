import type { VaultDb } from './schema';

export interface PruneOptions {
  /** Rows deleted per transaction: small, so calls' commits interleave with the pruning. */
  chunk?: number;
  /** Yields between chunks; default a macrotask, so the worker serves calls in between. */
  pause?: () => Promise<void>;
}

const DAY_MS = 86_400_000;

/** The oldest time a row may have and stay, for a retention of `days`. */
export const retentionCutoff = (now: number, days: number): number => now - days * DAY_MS;

/**
 * Deletes usage rows older than `cutoff`, a chunk per transaction. Limits never read rows (they
 * keep running counters), so pruning changes no budget; a `started` row is never pruned, since
 * its call is in flight or waits for recovery to complete it.
 */
export async function pruneUsage(db: VaultDb, cutoff: number, options: PruneOptions = {}): Promise<number> {
  const chunk = options.chunk ?? 500;
  const pause = options.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  let deleted = 0;
  for (;;) {
    const ids = await db.transaction('rw', db.usage, async () => {
      const old = await db.usage
        .where('time')
        .below(cutoff)
        .filter((row) => row.status !== 'started')
        .limit(chunk)
        .primaryKeys();
      await db.usage.bulkDelete(old);
      return old;
    });
    deleted += ids.length;
    if (ids.length < chunk) return deleted;
    await pause();
  }
}
