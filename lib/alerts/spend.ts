import type { CounterSnapshot } from '../limits/types';
import type { Limits } from '../protocol';

/** The shares of a spend limit that earn a notification. */
export const THRESHOLDS = [0.8, 1] as const;

export interface SpendAlert {
  /** Once per grant, provider, period and threshold: the key it is remembered by. */
  key: string;
  grantId: string;
  provider: string;
  period: 'day' | 'month';
  threshold: (typeof THRESHOLDS)[number];
  spentUsd: number;
  limitUsd: number;
}

/** Which alerts have fired, kept across restarts (storage.local in the extension, memory in tests). */
export interface AlertMemory {
  load(): Promise<string[]>;
  save(keys: string[]): Promise<void>;
}

export function memoryAlertMemory(): AlertMemory & { keys: string[] } {
  const memory = {
    keys: [] as string[],
    load: async () => [...memory.keys],
    save: async (keys: string[]) => void (memory.keys = [...keys]),
  };
  return memory;
}

/**
 * The alerts a detail has earned by its settled spend, highest threshold only per period (a call
 * that jumps from 50% to 120% says "reached", not also "80%"), each at most once per period.
 */
export function dueAlerts(grantId: string, provider: string, limits: Limits | undefined, s: CounterSnapshot, fired: ReadonlySet<string>): SpendAlert[] {
  const out: SpendAlert[] = [];
  const periods = [
    { period: 'day' as const, id: s.day, spent: s.daySpentUsd, limit: limits?.daily_spend },
    { period: 'month' as const, id: s.month, spent: s.monthSpentUsd, limit: limits?.monthly_spend },
  ];
  for (const { period, id, spent, limit } of periods) {
    if (limit === undefined || limit <= 0) continue;
    const reached = THRESHOLDS.filter((t) => spent >= limit * t);
    if (reached.length === 0) continue;
    const threshold = reached[reached.length - 1]!;
    const keyOf = (t: number) => `${grantId}|${provider}|${period}|${id}|${t}`;
    if (fired.has(keyOf(threshold))) continue;
    out.push({ key: keyOf(threshold), grantId, provider, period, threshold, spentUsd: spent, limitUsd: limit });
  }
  return out;
}

/** Every key a fired alert implies: reaching 100% also settles the 80% of that period. */
export function keysFired(alert: SpendAlert): string[] {
  const base = `${alert.grantId}|${alert.provider}|${alert.period}|`;
  const period = alert.key.slice(base.length).split('|')[0];
  return THRESHOLDS.filter((t) => t <= alert.threshold).map((t) => `${base}${period}|${t}`);
}

/**
 * Decides and remembers spend alerts. `check` runs after a call of the detail settles; it returns
 * the alerts to show, already remembered, so two checks racing cannot both show one alert.
 * Keys of past periods are dropped as new ones come, so the memory stays small.
 */
export function spendAlerts(memory: AlertMemory) {
  let fired: Promise<Set<string>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    check(grantId: string, provider: string, limits: Limits | undefined, snapshot: CounterSnapshot): Promise<SpendAlert[]> {
      const run = queue.then(async () => {
        fired ??= memory.load().then((keys) => new Set(keys));
        const set = await fired;
        const due = dueAlerts(grantId, provider, limits, snapshot, set);
        if (due.length === 0) return [];
        for (const alert of due) for (const key of keysFired(alert)) set.add(key);
        const current = [...set].filter((key) => {
          const [, , period, id] = key.split('|');
          return period === 'day' ? id === snapshot.day : period === 'month' ? id === snapshot.month : false;
        });
        // Other details' keys of the current periods stay too: they share the day and month ids.
        await memory.save(current);
        fired = Promise.resolve(new Set(current));
        return due;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
