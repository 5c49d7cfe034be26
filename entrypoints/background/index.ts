import { browser } from 'wxt/browser';
import { VaultDb } from '@/lib/db/schema';
import type { VaultMethod } from '@/lib/messages/vault-api';
import { vaultService } from '@/lib/vault/service';
import { Vault } from '@/lib/vault/vault';
import { broadcastMessaging } from '@/utils/messaging';
import { autoLock } from './auto-lock';
import { browserSessionStore } from './session-store';
import { registerVaultHandlers } from './vault-handlers';

/** Methods after which every open extension page should redraw its lock state. */
const STATE_CHANGES = new Set<VaultMethod>(['create', 'unlock', 'lock', 'resetVault']);

export default defineBackground(() => {
  const db = new VaultDb();
  const vault = new Vault({
    db,
    session: browserSessionStore,
    onChange: () => void announce(),
  });
  const lockTimer = autoLock(vault);
  const ready = vault.restore().then(() => lockTimer.schedule());

  async function announce(): Promise<void> {
    await lockTimer.schedule();
    const status = await vault.status();
    // No open page means nobody to tell.
    await broadcastMessaging.sendMessage('vaultChanged', status).catch(() => undefined);
  }

  registerVaultHandlers(vaultService({ db, vault, fetch: (...args) => fetch(...args) }), {
    ready,
    afterEach: async (method) => {
      if (STATE_CHANGES.has(method)) return;
      await vault.touch();
      await lockTimer.schedule();
    },
  });
  void browser.runtime.getPlatformInfo();
});
