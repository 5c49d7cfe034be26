import { z } from 'zod';
import type { UsageRow } from './types';

/** What the Activity page filters by. Each field narrows; the date range is inclusive epoch ms. */
export const usageFilterSchema = z.object({
  origin: z.string().min(1).max(2048).optional(),
  provider: z.string().min(1).max(64).optional(),
  model: z.string().min(1).max(200).optional(),
  status: z.union([z.number().int(), z.enum(['started', 'aborted', 'cut', 'interrupted', 'unreachable'])]).optional(),
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
});
export type UsageFilter = z.infer<typeof usageFilterSchema>;

export type IndexedField = 'origin' | 'provider' | 'model' | 'status' | 'grantId';

/**
 * Which compound `[field+time]` index answers a filter, and what is left to check row by row.
 * The most selective field leads (an app narrows more than a model, a model more than a provider,
 * a provider more than a status); the date range is always read from the index itself.
 */
export function plan(filter: UsageFilter): { field?: Exclude<IndexedField, 'grantId'>; value?: string | number; rest: (row: UsageRow) => boolean } {
  const order = ['origin', 'model', 'provider', 'status'] as const;
  const field = order.find((f) => filter[f] !== undefined);
  const others = order.filter((f) => f !== field && filter[f] !== undefined);
  return {
    ...(field ? { field, value: filter[field] } : {}),
    rest: (row) => others.every((f) => row[f] === filter[f]),
  };
}

export const matches = (filter: UsageFilter, row: UsageRow) =>
  (filter.from === undefined || row.time >= filter.from) &&
  (filter.to === undefined || row.time <= filter.to) &&
  (['origin', 'provider', 'model', 'status'] as const).every((f) => filter[f] === undefined || row[f] === filter[f]);
