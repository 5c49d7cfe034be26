import type { UsageRow } from './types';

const DAY_MS = 86_400_000;

/** The dashboard's charts as plain numbers: each chart draws them and shows them as a table. */
export interface UsageCharts {
  /** The last 30 days, oldest first, as `YYYY-MM-DD` in the given time zone. */
  days: string[];
  /** Apps with spend in those days, biggest first; `spend[app][day]` in USD. */
  apps: string[];
  spend: number[][];
  /** Tokens per model over the 30 days, most first. */
  models: { model: string; input: number; output: number }[];
  /** Requests per hour of today (0–23) in the time zone. */
  hours: number[];
}

const dayOf = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
const hourOf = (ms: number, timeZone: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(ms));

/** Adds rows one at a time (the caller streams them from the time index), then tells the totals. */
export function chartAccumulator(now: number, timeZone: string) {
  const days = Array.from({ length: 30 }, (_, i) => dayOf(now - (29 - i) * DAY_MS, timeZone));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const today = days[29]!;
  const spend = new Map<string, number[]>();
  const models = new Map<string, { input: number; output: number }>();
  const hours = Array.from({ length: 24 }, () => 0);
  // Formatting a date per row is the cost here; rows come in time order, so the answer is kept per
  // quarter hour (every time zone's offset is a whole number of quarter hours).
  let lastHourKey = -1;
  let lastDay = '';
  return {
    since: now - 31 * DAY_MS,
    add(row: UsageRow) {
      const hourKey = Math.floor(row.time / 900_000);
      if (hourKey !== lastHourKey) {
        lastHourKey = hourKey;
        lastDay = dayOf(row.time, timeZone);
      }
      const index = dayIndex.get(lastDay);
      if (index === undefined) return;
      if (row.costUsd) {
        const series = spend.get(row.origin) ?? Array.from({ length: 30 }, () => 0);
        series[index]! += row.costUsd;
        spend.set(row.origin, series);
      }
      if (row.model && (row.inputTokens || row.outputTokens)) {
        const m = models.get(row.model) ?? { input: 0, output: 0 };
        m.input += row.inputTokens;
        m.output += row.outputTokens;
        models.set(row.model, m);
      }
      if (lastDay === today && row.status !== 'started') hours[hourOf(row.time, timeZone)]! += 1;
    },
    result(): UsageCharts {
      const apps = [...spend].sort((a, b) => b[1].reduce((s, v) => s + v, 0) - a[1].reduce((s, v) => s + v, 0));
      return {
        days,
        apps: apps.map(([origin]) => origin),
        spend: apps.map(([, series]) => series),
        models: [...models].map(([model, t]) => ({ model, ...t })).sort((a, b) => b.input + b.output - (a.input + a.output)),
        hours,
      };
    },
  };
}
