import type { VaultDb } from '../db/schema';
import type { AccessMethod, UsageMethod, VaultHandlers, VaultMethod } from '../messages/vault-api';
import { adapterFor } from '../providers/registry';
import type { KeyKind } from '../providers/kinds';
import { applyImport, exportBackup, openBackup, planImport, type BackupPayload, type ImportMode } from './backup';
import { VaultError } from './errors';
import { checkKey } from './key-check';
import { KeyStore } from './keys';
import type { Vault } from './vault';

type Handlers = VaultHandlers<Exclude<VaultMethod, AccessMethod | UsageMethod>>;

interface PendingImport {
  payload: BackupPayload;
  mode: ImportMode;
  expiresAt: number;
}
/** A previewed import may be applied for this long; after that the person previews again. */
const PLAN_TTL_MS = 5 * 60_000;

/**
 * The vault's answers to its own UI, as plain async functions: the background adds the message
 * plumbing, tests call these directly.
 */
export function vaultService(deps: { db: VaultDb; vault: Vault; fetch: typeof fetch; now?: () => number }) {
  const { db, vault } = deps;
  const now = deps.now ?? Date.now;
  const keys = new KeyStore(db, () => vault.requireKey(), now);
  const plans = new Map<string, PendingImport>();

  const handlers: Handlers = {
    status: () => vault.status(),
    settings: () => vault.settings(),
    create: async ({ passphrase }) => {
      await vault.create(passphrase);
      return vault.status();
    },
    unlock: async ({ passphrase }) => {
      await vault.unlock(passphrase);
      return vault.status();
    },
    lock: async () => {
      await vault.lock();
      return vault.status();
    },
    listKeys: () => keys.list(),
    addKey: (key) => {
      vault.requireKey();
      return keys.add(key);
    },
    editKey: ({ id, ...patch }) => keys.edit(id, patch),
    replaceKey: ({ id, secret }) => keys.replaceSecret(id, secret),
    deleteKey: async ({ id }) => {
      vault.requireKey();
      await keys.remove(id);
      return null;
    },
    setDefaultKey: async ({ id }) => {
      vault.requireKey();
      await keys.setDefault(id);
      return null;
    },
    testKey: async ({ id }) => {
      const { row, secret } = await keys.reveal(id);
      return checkKey(adapterFor(row.kind as KeyKind), row.baseUrl, secret, deps.fetch);
    },
    updateSettings: (patch) => vault.updateSettings(patch),
    changePassphrase: async ({ current, next }) => {
      await vault.changePassphrase(current, next);
      return null;
    },
    exportBackup: async ({ passphrase }) => {
      const dataKey = await vault.verifyPassphrase(passphrase);
      const date = new Date(now());
      const text = await exportBackup(db, dataKey, passphrase, date);
      return { fileName: `okap-wallet-backup-${date.toISOString().slice(0, 10)}.json`, text };
    },
    previewImport: async ({ text, passphrase, mode }) => {
      vault.requireKey();
      const payload = await openBackup(text, passphrase);
      const changes = await planImport(db, payload, mode);
      const planId = crypto.randomUUID();
      for (const [id, plan] of plans) if (plan.expiresAt < now()) plans.delete(id);
      plans.set(planId, { payload, mode, expiresAt: now() + PLAN_TTL_MS });
      return { planId, changes };
    },
    applyImport: async ({ planId }) => {
      const plan = plans.get(planId);
      if (!plan || plan.expiresAt < now()) throw new VaultError('not_found', 'That import preview has expired. Preview it again.');
      await applyImport(db, vault.requireKey(), plan.payload, plan.mode);
      plans.delete(planId);
      return null;
    },
    resetVault: async () => {
      await vault.lock();
      plans.clear();
      await db.transaction('rw', db.tables, async () => {
        await Promise.all(db.tables.map((table) => table.clear()));
      });
      return vault.status();
    },
  };
  return handlers;
}
