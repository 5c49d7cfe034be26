import { it } from 'vitest';
import { browserName } from './browser';

/**
 * A test that cannot run in Firefox: it runs in Chromium and is reported as skipped (never as passed)
 * in Firefox, with the reason in its name.
 */
export function chromiumOnly(name: string, reason: string, fn: () => Promise<void>, timeout?: number) {
  it.skipIf(browserName !== 'chromium')(`${name} [Chromium only: ${reason}]`, fn, timeout);
}

/** The converse, for what only Firefox lets a script do; reported as skipped in Chromium, with the reason. */
export function firefoxOnly(name: string, reason: string, fn: () => Promise<void>, timeout?: number) {
  it.skipIf(browserName !== 'firefox')(`${name} [Firefox only: ${reason}]`, fn, timeout);
}

/** The browser, for suite names: "the vault in firefox". */
export { browserName };
