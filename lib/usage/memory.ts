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
      // Put by id, as the stores do: a call's finished row replaces its started one.
      const at = rows.findIndex((r) => r.id === row.id);
      if (at >= 0) rows[at] = row;
      else rows.push(row);
    },
  };
}
