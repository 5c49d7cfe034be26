import Dexie, { type Collection } from 'dexie';
import { plan, type UsageFilter } from '../usage/filter';
import type { UsageRow } from '../usage/types';
import type { VaultDb } from './schema';

/**
 * The Activity page's reads: newest first, one compound `[field+time]` index per filter (or `time`
 * alone), so a filter never loads the whole history. Fields beyond the leading one are checked row
 * by row inside the index's range.
 */
export function usageQuery(db: VaultDb, filter: UsageFilter): Collection<UsageRow, string> {
  const from = filter.from ?? 0;
  const to = filter.to ?? Number.MAX_SAFE_INTEGER;
  const { field, value, rest } = plan(filter);
  const range = field
    ? db.usage.where(`[${field}+time]`).between([value, from], [value, to], true, true)
    : db.usage.where('time').between(from, to, true, true);
  const newestFirst = range.reverse();
  const needsCheck = ['origin', 'provider', 'model', 'status'].filter((f) => filter[f as keyof UsageFilter] !== undefined).length > 1;
  return needsCheck ? newestFirst.filter(rest) : newestFirst;
}

export async function usagePage(db: VaultDb, filter: UsageFilter, offset: number, limit: number): Promise<UsageRow[]> {
  return usageQuery(db, filter).offset(offset).limit(limit).toArray();
}

export const usageCount = (db: VaultDb, filter: UsageFilter) => usageQuery(db, filter).count();

/** The values the filters offer: every app, provider and model that has a row, from the indexes' keys. */
export async function usageFacets(db: VaultDb): Promise<{ origins: string[]; providers: string[]; models: string[] }> {
  // A skip scan: one index seek per distinct value, never a pass over every row.
  const distinct = async (field: 'origin' | 'provider' | 'model') => {
    const values: string[] = [];
    let row = await db.usage.orderBy(`[${field}+time]`).first();
    while (row && values.length < 1000) {
      const value = row[field] as string;
      values.push(value);
      row = await db.usage.where(`[${field}+time]`).above([value, Dexie.maxKey]).first();
    }
    return values;
  };
  const [origins, providers, models] = await Promise.all([distinct('origin'), distinct('provider'), distinct('model')]);
  return { origins, providers, models };
}

