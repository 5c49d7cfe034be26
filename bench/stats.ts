/** Percentile by nearest rank over a copy of the samples. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
export const median = (samples: number[]) => percentile(samples, 50);
export const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
