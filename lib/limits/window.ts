/**
 * The requests-per-minute window: a sliding 60 s window over admission times. Only the times
 * still inside the window are kept, and a time is added only while the count is under the
 * limit, so the list never holds more than `limit` entries whatever the call history.
 */

export const WINDOW_MS = 60_000;

/** Drops the times that left the window (oldest first); returns how many remain. */
export function pruneWindow(times: number[], now: number): number {
  let expired = 0;
  while (expired < times.length && (times[expired] ?? 0) <= now - WINDOW_MS) expired++;
  if (expired > 0) times.splice(0, expired);
  return times.length;
}

/** Whole seconds until the oldest time leaves the window, at least 1. */
export function secondsUntilSlotFrees(times: readonly number[], now: number): number {
  const oldest = times[0] ?? now;
  return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
}
