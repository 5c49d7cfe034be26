import { describe, expect, it } from 'vitest';
import { chartAccumulator } from './charts';
import type { UsageRow } from './types';

const NOW = Date.parse('2026-03-10T15:30:00Z');
const row = (time: number, over: Partial<UsageRow> = {}): UsageRow => ({
  id: String(time),
  time,
  origin: 'https://a.example',
  grantId: 'g',
  provider: 'openai',
  model: 'gpt-4o',
  endpoint: '/chat/completions',
  status: 200,
  inputTokens: 10,
  outputTokens: 5,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd: 0.01,
  ...over,
});

describe('chart numbers', () => {
  it('sum spend per app and day, tokens per model, and today’s requests per hour', () => {
    const acc = chartAccumulator(NOW, 'UTC');
    const rows = [
      row(NOW - 40 * 86_400_000), // outside the 30 days
      row(NOW - 2 * 86_400_000, { origin: 'https://b.example', costUsd: 0.5, model: 'claude' }),
      row(Date.parse('2026-03-10T09:10:00Z')),
      row(Date.parse('2026-03-10T09:50:00Z'), { costUsd: 0.02 }),
      row(Date.parse('2026-03-10T14:00:00Z'), { status: 429, costUsd: 0 }),
    ];
    for (const r of rows) acc.add(r);
    const c = acc.result();
    expect(c.days).toHaveLength(30);
    expect(c.days[29]).toBe('2026-03-10');
    expect(c.apps).toEqual(['https://b.example', 'https://a.example']);
    expect(c.spend[0]![27]).toBeCloseTo(0.5);
    expect(c.spend[1]![29]).toBeCloseTo(0.03);
    expect(c.models).toEqual([
      { model: 'gpt-4o', input: 30, output: 15 },
      { model: 'claude', input: 10, output: 5 },
    ]);
    expect(c.hours[9]).toBe(2);
    expect(c.hours[14]).toBe(1);
    expect(c.hours.reduce((s, n) => s + n, 0)).toBe(3);
  });

  it('counts days and hours in the chosen time zone', () => {
    const acc = chartAccumulator(NOW, 'Asia/Tokyo'); // 00:30 on the 11th there
    acc.add(row(Date.parse('2026-03-10T15:10:00Z')));
    const c = acc.result();
    expect(c.days[29]).toBe('2026-03-11');
    expect(c.hours[0]).toBe(1);
  });
});
