import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../usage/types';
import { VaultDb } from './schema';
import { dexieUsageLog } from './usage-log';

const row = (i: number): UsageRow => ({
  id: `r${i}`,
  time: 1_000 + i,
  origin: 'https://app.example',
  grantId: 'g',
  provider: 'openai',
  endpoint: '/chat/completions',
  status: 200,
  inputTokens: 1,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

describe('usage log', () => {
  it('keeps every row of a burst, in batches, and lists the newest first', async () => {
    const db = new VaultDb(`usage-${Date.now()}`);
    const log = dexieUsageLog(db);
    await Promise.all(Array.from({ length: 250 }, (_, i) => log.record(row(i))));
    expect(await db.usage.count()).toBe(250);
    void log.record(row(250));
    const recent = await log.recent(3);
    expect(recent.map((r) => r.id)).toEqual(['r250', 'r249', 'r248']);
    db.close();
  });
});
