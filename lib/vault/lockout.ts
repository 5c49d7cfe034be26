import { z } from 'zod';

export const lockoutSchema = z.object({
  failures: z.number().int().min(0),
  retryAt: z.number().min(0),
});
export type Lockout = z.infer<typeof lockoutSchema>;

export const noLockout: Lockout = { failures: 0, retryAt: 0 };

/** Free tries before the vault starts making a guesser wait. */
export const FREE_TRIES = 5;
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 60 * 60_000;

/**
 * After FREE_TRIES wrong passphrases in a row, each further try waits 30 s, doubling per failure up
 * to an hour. Kept in the database so neither a worker restart nor a reload resets it.
 */
export function afterFailure(state: Lockout, now: number): Lockout {
  const failures = state.failures + 1;
  if (failures < FREE_TRIES) return { failures, retryAt: 0 };
  const wait = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - FREE_TRIES));
  return { failures, retryAt: now + wait };
}
