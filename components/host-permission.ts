import { browser } from 'wxt/browser';

/**
 * Asks for access to a key's custom host before it is saved. Must run first in a click handler:
 * the browser only shows its prompt during a user gesture. Hosts granted at install resolve at once.
 */
export async function requestHostFor(baseUrl: string): Promise<boolean> {
  return requestHostsFor([baseUrl]);
}

/** The match pattern that covers a URL's host, as permissions are asked and checked. */
export const hostPatternOf = (url: string) => `${new URL(url).protocol}//${new URL(url).hostname}/*`;

/** All at once: one gesture allows one prompt. */
export async function requestHostsFor(baseUrls: string[]): Promise<boolean> {
  const origins = [...new Set(baseUrls.filter(Boolean).map(hostPatternOf))];
  if (origins.length === 0) return true;
  return browser.permissions.request({ origins });
}
