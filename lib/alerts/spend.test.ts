import { describe, expect, it } from 'vitest';
import type { CounterSnapshot } from '../limits/types';
import { memoryAlertMemory, spendAlerts } from './spend';

const snap = (day: string, daySpentUsd: number, monthSpentUsd = daySpentUsd, month = day.slice(0, 7)): CounterSnapshot => ({
  day,
  dayRequests: 1,
  daySpentUsd,
  dayReservedUsd: 0,
  month,
  monthSpentUsd,
  monthReservedUsd: 0,
  lastMinuteRequests: 0,
});
const limits = { daily_spend: 1, monthly_spend: 10 };
const names = (alerts: { period: string; threshold: number }[]) => alerts.map((a) => `${a.period}@${a.threshold}`);

describe('spend alerts', () => {
  it('fire at 80% and at 100% of the daily limit, once each per day', async () => {
    const alerts = spendAlerts(memoryAlertMemory());
    expect(await alerts.check('g', 'openai', limits, snap('2026-03-10', 0.5))).toEqual([]);
    expect(names(await alerts.check('g', 'openai', limits, snap('2026-03-10', 0.8)))).toEqual(['day@0.8']);
    expect(await alerts.check('g', 'openai', limits, snap('2026-03-10', 0.9))).toEqual([]);
    expect(names(await alerts.check('g', 'openai', limits, snap('2026-03-10', 1.0)))).toEqual(['day@1']);
    expect(await alerts.check('g', 'openai', limits, snap('2026-03-10', 1.2))).toEqual([]);
    // A new day starts the count again.
    expect(names(await alerts.check('g', 'openai', limits, snap('2026-03-11', 0.85, 1.2)))).toEqual(['day@0.8']);
  });

  it('a jump past both says only that the limit is reached, and 80% does not follow', async () => {
    const alerts = spendAlerts(memoryAlertMemory());
    expect(names(await alerts.check('g', 'openai', limits, snap('2026-03-10', 1.5)))).toEqual(['day@1']);
    expect(await alerts.check('g', 'openai', limits, snap('2026-03-10', 1.6))).toEqual([]);
  });

  it('monthly limits alert on their own, once per month', async () => {
    const alerts = spendAlerts(memoryAlertMemory());
    expect(names(await alerts.check('g', 'openai', { monthly_spend: 10 }, snap('2026-03-10', 0.1, 8)))).toEqual(['month@0.8']);
    expect(await alerts.check('g', 'openai', { monthly_spend: 10 }, snap('2026-03-11', 0.1, 9))).toEqual([]);
    expect(names(await alerts.check('g', 'openai', { monthly_spend: 10 }, snap('2026-03-12', 0.1, 10)))).toEqual(['month@1']);
    expect(names(await alerts.check('g', 'openai', { monthly_spend: 10 }, snap('2026-04-01', 0.1, 8.5)))).toEqual(['month@0.8']);
  });

  it('grants and providers are counted apart; no limit, no alert', async () => {
    const alerts = spendAlerts(memoryAlertMemory());
    expect(names(await alerts.check('g1', 'openai', limits, snap('2026-03-10', 0.8)))).toEqual(['day@0.8']);
    expect(names(await alerts.check('g2', 'openai', limits, snap('2026-03-10', 0.8)))).toEqual(['day@0.8']);
    expect(names(await alerts.check('g1', 'anthropic', limits, snap('2026-03-10', 0.8)))).toEqual(['day@0.8']);
    expect(await alerts.check('g3', 'openai', undefined, snap('2026-03-10', 100))).toEqual([]);
  });

  it('are remembered across a restart, and racing checks show an alert once', async () => {
    const memory = memoryAlertMemory();
    const first = spendAlerts(memory);
    const raced = await Promise.all([first.check('g', 'openai', limits, snap('2026-03-10', 0.8)), first.check('g', 'openai', limits, snap('2026-03-10', 0.81))]);
    expect(raced.flat()).toHaveLength(1);
    const second = spendAlerts(memory);
    expect(await second.check('g', 'openai', limits, snap('2026-03-10', 0.9))).toEqual([]);
    expect(names(await second.check('g', 'openai', limits, snap('2026-03-10', 1)))).toEqual(['day@1']);
  });
});
