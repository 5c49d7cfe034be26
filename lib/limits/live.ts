import type { Limits } from '../protocol';
import type { CalendarPeriods } from './calendar';
import type { CounterState } from './types';

// A detail's live counters and the pure steps on them: period rollover and the budget check.

/** A detail's counters plus what is held for its calls in flight (not persisted; see CounterState). */
export interface Live {
  state: CounterState;
  dayReservedUsd: number;
  dayOpen: number;
  monthReservedUsd: number;
  monthOpen: number;
}

export const keyOf = (grantId: string, provider: string): string => `${grantId}\n${provider}`;

export function freshState(grantId: string, provider: string): CounterState {
  // Empty periods sort before every real one, so the first admit rolls them over.
  return { grantId, provider, day: '', dayRequests: 0, daySpentUsd: 0, month: '', monthSpentUsd: 0, recent: [] };
}

/**
 * Starts new periods when the calendar moved on. Only forward: a clock set back must not
 * hand a used-up day a fresh budget, so its calls keep counting in the later period.
 * An overrun hold ends with the day it was billed in.
 */
export function roll(live: Live, periods: CalendarPeriods): boolean {
  const s = live.state;
  let changed = false;
  if (periods.day > s.day) {
    s.day = periods.day;
    s.dayRequests = 0;
    s.daySpentUsd = 0;
    live.dayReservedUsd = 0;
    live.dayOpen = 0;
    changed = true;
  }
  if (periods.month > s.month) {
    s.month = periods.month;
    s.monthSpentUsd = 0;
    live.monthReservedUsd = 0;
    live.monthOpen = 0;
    changed = true;
  }
  if (s.overrun && periods.day > s.overrun.day) {
    delete s.overrun;
    changed = true;
  }
  return changed;
}

export const usd = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n) && n >= 0;
export const hasSpendLimit = (limits: Limits): boolean => limits.daily_spend !== undefined || limits.monthly_spend !== undefined;
/** Float sums drift; a settlement above its reservation by less than this is not an overrun. */
export const exceeds = (cost: number, held: number): boolean => cost > held * (1 + 1e-9) + 1e-12;

export function overBudget(live: Live, limits: Limits, amount: number): boolean {
  const s = live.state;
  if (limits.daily_spend !== undefined && s.daySpentUsd + live.dayReservedUsd + amount > limits.daily_spend) return true;
  if (limits.monthly_spend !== undefined && s.monthSpentUsd + live.monthReservedUsd + amount > limits.monthly_spend)
    return true;
  return false;
}
