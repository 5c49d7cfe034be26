import type { UsageRow, UsageSink } from './types';

/** A sink that keeps rows in an array: for tests and for a server run without a database. */
export interface MemoryUsageSink extends UsageSink {
  readonly rows: readonly UsageRow[];
}

export function memoryUsageSink(): MemoryUsageSink {
  const rows: UsageRow[] = [];
  return {
    rows,
    record(row) {
      rows.push(row);
    },
  };
}
