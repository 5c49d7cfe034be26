import { browser } from 'wxt/browser';

/**
 * Asks for access to a key's custom host before it is saved. Must run first in a click handler:
 * the browser only shows its prompt during a user gesture. Hosts granted at install resolve at once.
 */
export async function requestHostFor(baseUrl: string): Promise<boolean> {
  if (!baseUrl) return true;
  const { protocol, hostname } = new URL(baseUrl);
  return browser.permissions.request({ origins: [`${protocol}//${hostname}/*`] });
}
