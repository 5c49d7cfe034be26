/**
 * Counts events per address in a sliding window (failed logins; also access requests, see
 * http/apps.ts). Slows down guessing of owner tokens, device tokens and pairing codes: after `limit` failures
 * from one address within `windowMs`, that address is refused (429) until the window passes.
 * Per process; with several processes each keeps its own count, so the bound is `limit` times
 * the number of processes, still far too few tries for 256-bit tokens or 50-bit codes.
 */
export function failureThrottle(options: { limit?: number; windowMs?: number; now?: () => number } = {}) {
  const limit = options.limit ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (who: string): number[] => {
    const cutoff = now() - windowMs;
    const list = (failures.get(who) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) failures.delete(who);
    else failures.set(who, list);
    return list;
  };
  return {
    /** Seconds to wait, when this address is blocked. */
    blocked(who: string): number | undefined {
      const list = recent(who);
      if (list.length < limit) return undefined;
      return Math.max(1, Math.ceil(((list[0] ?? now()) + windowMs - now()) / 1000));
    },
    fail(who: string): void {
      const list = recent(who);
      list.push(now());
      failures.set(who, list);
    },
  };
}
export type FailureThrottle = ReturnType<typeof failureThrottle>;
