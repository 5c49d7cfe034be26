import { describe, expect, it } from 'vitest';
import { matches, type UsageFilter } from '../usage/filter';
import type { UsageRow } from '../usage/types';
import { VaultDb } from './schema';
import { usageCount, usageFacets, usagePage } from './usage-query';

const DAY = 86_400_000;
const origins = ['https://a.example', 'https://b.example', 'https://c.example'];
const models = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', undefined];
const statuses: UsageRow['status'][] = [200, 200, 429, 'aborted', 'interrupted'];

function rows(n: number): UsageRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    time: 1_700_000_000_000 + (i % 97) * 3_600_000 * 7 + i,
    origin: origins[i % 3]!,
    grantId: `g${i % 3}`,
    provider: models[i % 4]?.startsWith('claude') ? 'anthropic' : 'openai',
    ...(models[i % 4] ? { model: models[i % 4] } : {}),
    endpoint: '/chat/completions',
    status: statuses[i % 5]!,
    inputTokens: i,
    outputTokens: 1,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: i / 1000,
  }));
}

describe('Activity queries from the indexes', () => {
  it('returns exactly the matching rows, newest first, for every combination of filters', async () => {
    const db = new VaultDb(`usage-query-${Math.random()}`);
    const all = rows(600);
    await db.usage.bulkAdd(all);
    const t0 = Math.min(...all.map((r) => r.time));
    const filters: UsageFilter[] = [
      {},
      { origin: origins[1] },
      { provider: 'anthropic' },
      { model: 'gpt-4o-mini' },
      { status: 429 },
      { status: 'aborted', origin: origins[0] },
      { origin: origins[2], provider: 'openai', model: 'gpt-4o', status: 200 },
      { from: t0 + 5 * DAY, to: t0 + 12 * DAY },
      { origin: origins[0], from: t0 + 3 * DAY, to: t0 + 10 * DAY },
      { model: 'nope' },
    ];
    for (const filter of filters) {
      const expected = all.filter((r) => matches(filter, r)).sort((a, b) => b.time - a.time);
      expect(await usageCount(db, filter), JSON.stringify(filter)).toBe(expected.length);
      const pages = [...(await usagePage(db, filter, 0, 50)), ...(await usagePage(db, filter, 50, 10_000))];
      expect(pages.map((r) => r.id), JSON.stringify(filter)).toEqual(expected.map((r) => r.id));
    }
    expect(await usageFacets(db)).toEqual({ origins, providers: ['anthropic', 'openai'], models: ['claude-sonnet-4-5', 'gpt-4o', 'gpt-4o-mini'] });
    db.close();
  });
});
