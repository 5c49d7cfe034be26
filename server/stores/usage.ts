import type { UsageRow, UsageSink } from '../../lib/usage/types';
import type { Queryable } from '../db/sql';

interface UsageRecord {
  id: string;
  time: number;
  origin: string;
  grant_id: string;
  provider: string;
  model: string | null;
  endpoint: string;
  status: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  latency_ms: number | null;
  ttfb_ms: number | null;
}

export interface UsageQuery {
  since?: number;
  until?: number;
  origin?: string;
  limit: number;
}

const statusOut = (s: string): UsageRow['status'] => (/^\d+$/.test(s) ? Number(s) : (s as UsageRow['status']));

export const USAGE_COLUMNS =
  'id, time, origin, grant_id, provider, model, endpoint, status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd, latency_ms, ttfb_ms';

/** A row's values in USAGE_COLUMNS order. */
export const usageValues = (row: UsageRow): unknown[] => [
  row.id,
  row.time,
  row.origin,
  row.grantId,
  row.provider,
  row.model ?? null,
  row.endpoint,
  String(row.status),
  row.inputTokens,
  row.outputTokens,
  row.cacheReadTokens,
  row.cacheWriteTokens,
  row.reasoningTokens,
  row.costUsd ?? null,
  row.latencyMs ?? null,
  row.ttfbMs ?? null,
];

/** A row as a jsonb of the usage table's columns (for jsonb_populate_record in the ledger's statements). */
export function usageJson(row: UsageRow): string {
  const names = USAGE_COLUMNS.split(', ');
  const values = usageValues(row);
  return JSON.stringify(Object.fromEntries(names.map((name, i) => [name, values[i]])));
}

/** `($n, …, $n+15)`: the placeholders of one row starting at `$first`. */
export const usagePlaceholders = (first: number): string => `(${Array.from({ length: 16 }, (_, i) => `$${first + i}`).join(', ')})`;

/** The activity log in SQL: one row per proxied call. */
export function sqlUsageStore(db: Queryable) {
  return {
    sink(): UsageSink {
      return {
        async record(row) {
          await db.query(`INSERT INTO usage (${USAGE_COLUMNS}) VALUES ${usagePlaceholders(1)}`, usageValues(row));
        },
      };
    },
    async list(q: UsageQuery): Promise<UsageRow[]> {
      const rows = await db.query<UsageRecord>(
        `SELECT * FROM usage WHERE time >= $1 AND time < $2 AND ($3::text IS NULL OR origin = $3) ORDER BY time DESC, id LIMIT $4`,
        [q.since ?? 0, q.until ?? Number.MAX_SAFE_INTEGER, q.origin ?? null, q.limit],
      );
      return rows.map((r) => ({
        id: r.id,
        time: r.time,
        origin: r.origin,
        grantId: r.grant_id,
        provider: r.provider,
        ...(r.model !== null ? { model: r.model } : {}),
        endpoint: r.endpoint,
        status: statusOut(r.status),
        inputTokens: r.input_tokens,
        outputTokens: r.output_tokens,
        cacheReadTokens: r.cache_read_tokens,
        cacheWriteTokens: r.cache_write_tokens,
        reasoningTokens: r.reasoning_tokens,
        ...(r.cost_usd !== null ? { costUsd: r.cost_usd } : {}),
        ...(r.latency_ms !== null ? { latencyMs: r.latency_ms } : {}),
        ...(r.ttfb_ms !== null ? { ttfbMs: r.ttfb_ms } : {}),
      }));
    },
  };
}
export type SqlUsageStore = ReturnType<typeof sqlUsageStore>;
