import { browser } from 'wxt/browser';
import type { SessionState, SessionStore } from '@/lib/vault/vault';

const KEY = 'vault-session';

/**
 * `storage.session`: kept in memory by the browser, survives a worker restart, gone when the browser
 * closes, and (at its default access level) unreadable to content scripts.
 */
export const browserSessionStore: SessionStore = {
  async get() {
    return (await browser.storage.session.get(KEY))[KEY];
  },
  async set(state: SessionState) {
    await browser.storage.session.set({ [KEY]: state });
  },
  async clear() {
    await browser.storage.session.remove(KEY);
  },
};
