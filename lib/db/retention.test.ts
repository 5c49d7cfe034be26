import { describe, expect, it } from 'vitest';
import { createLimitLedger } from '../limits/ledger';
import type { UsageRow } from '../usage/types';
import { usageCsv } from '../usage/csv';
import { dexieCounterStore } from './counter-store';
import { pruneUsage, retentionCutoff } from './retention';
import { VaultDb } from './schema';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;

const row = (id: string, ageDays: number, status: UsageRow['status'] = 200): UsageRow => ({
  id,
  time: NOW - ageDays * DAY,
  origin: 'https://app.example',
  grantId: 'g1',
  provider: 'openai',
  model: 'gpt-4o',
  endpoint: '/chat/completions',
  status,
  inputTokens: 1,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd: 0.01,
});

describe('retention', () => {
  it('prunes rows older than the setting, keeps newer and in-flight rows, and changes no counter', async () => {
    const db = new VaultDb(`retention-${Math.random()}`);
    const old = Array.from({ length: 1200 }, (_, i) => row(`old-${i}`, 400 + (i % 30)));
    await db.usage.bulkPut([...old, row('recent', 10), row('edge', 364), row('in-flight', 500, 'started')]);
    const ledger = createLimitLedger({ store: dexieCounterStore(db), timeZone: 'UTC', now: () => NOW });
    const first = await ledger.admit({ grantId: 'g1', provider: 'openai', limits: { daily_spend: 1 }, estimateUsd: 0.3, now: NOW });
    if (!first.ok) throw new Error(first.kind);
    await ledger.settle(first.reservation, 0.3, NOW);
    const countersBefore = await db.counters.toArray();

    // Calls keep being admitted while the pruning runs, a chunk at a time.
    let admittedDuring = 0;
    const pruned = await pruneUsage(db, retentionCutoff(NOW, 365), {
      chunk: 100,
      pause: async () => {
        const r = await ledger.admit({ grantId: 'g1', provider: 'openai', limits: {}, estimateUsd: 0, now: NOW });
        if (r.ok) admittedDuring++;
      },
    });
    expect(pruned).toBe(1200);
    expect(admittedDuring).toBeGreaterThanOrEqual(11);
    expect((await db.usage.toArray()).map((r) => r.id).sort()).toEqual(['edge', 'in-flight', 'recent']);
    // The budget still counts the day's spend; nothing depended on the pruned rows.
    expect((await db.counters.toArray())[0]).toMatchObject({ daySpentUsd: countersBefore[0]!.daySpentUsd, monthSpentUsd: countersBefore[0]!.monthSpentUsd });
    expect(await ledger.admit({ grantId: 'g1', provider: 'openai', limits: { daily_spend: 1 }, estimateUsd: 0.8, now: NOW })).toMatchObject({ ok: false, kind: 'budget_exhausted' });
    db.close();
  });

  it('exports rows as CSV a spreadsheet cannot be tricked by', () => {
    const csv = usageCsv([{ ...row('a', 1), origin: '=HYPERLINK("https://evil.example")', model: 'gpt-4o, "mini"' }]);
    const [header, line] = csv.trim().split('\r\n');
    expect(header).toBe('id,time,origin,grantId,provider,model,endpoint,status,inputTokens,outputTokens,cacheReadTokens,cacheWriteTokens,reasoningTokens,costUsd,latencyMs,ttfbMs');
    expect(line).toBe(`a,2026-03-09T12:00:00.000Z,"'=HYPERLINK(""https://evil.example"")",g1,openai,"gpt-4o, ""mini""",/chat/completions,200,1,1,0,0,0,0.01,,`);
  });
});
