import type { VaultDb } from '../db/schema';
import type { AccessMethod, UsageMethod, VaultHandlers, VaultMethod } from '../messages/vault-api';
import { adapterFor } from '../providers/registry';
import type { KeyKind } from '../providers/kinds';
import { applyImport, exportBackup, openBackup, planImport } from './backup';
import type { ImportPlans } from './import-plans';
import { VaultError } from './errors';
import { checkKey } from './key-check';
import { settingsChanges } from './settings-diff';
import { baseUrlSchema, keyDestination, KeyStore } from './keys';

const hostOf = (baseUrl: string) => (baseUrl === '' ? 'the provider’s own API' : new URL(baseUrl).host);
import type { Vault } from './vault';

type Handlers = VaultHandlers<Exclude<VaultMethod, AccessMethod | UsageMethod>>;


/**
 * The vault's answers to its own UI, as plain async functions: the background adds the message
 * plumbing, tests call these directly.
 */
export function vaultService(deps: { db: VaultDb; vault: Vault; plans: ImportPlans; fetch: typeof fetch; now?: () => number }) {
  const { db, vault } = deps;
  const now = deps.now ?? Date.now;
  const keys = new KeyStore(db, () => vault.requireKey(), now);
  const { plans } = deps;

  const handlers: Handlers = {
    status: () => vault.status(),
    settings: async () => {
      vault.requireKey();
      return vault.settings();
    },
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
    listKeys: async () => {
      vault.requireKey();
      return keys.list();
    },
    addKey: (key) => {
      vault.requireKey();
      return keys.add(key);
    },
    editKey: async ({ id, passphrase, ...patch }) => {
      vault.requireKey();
      // A new host for a key is where the key will be sent: like an export, it takes the passphrase.
      const current = await keys.baseUrlOf(id);
      const next = patch.baseUrl === undefined ? current : baseUrlSchema.parse(patch.baseUrl);
      if (keyDestination(next) === keyDestination(current)) return keys.edit(id, patch);
      if (!passphrase) throw new VaultError('passphrase_required', `Type your passphrase to send this key to ${hostOf(next)}.`);
      await vault.verifyPassphrase(passphrase);
      return keys.edit(id, patch, current);
    },
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
    updateSettings: async (patch) => {
      vault.requireKey();
      return vault.updateSettings(patch);
    },
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
      // Replace also replaces the settings: show each change, since a backup can carry ones that weaken limits.
      const settings = mode === 'replace' && payload.settings ? settingsChanges(await vault.settings(), payload.settings) : [];
      return { planId: plans.add(payload, mode), changes, settings };
    },
    applyImport: async ({ planId }) => {
      const dataKey = vault.requireKey();
      const plan = plans.take(planId);
      if (!plan) throw new VaultError('not_found', 'That import preview has expired. Preview it again.');
      await applyImport(db, dataKey, plan.payload, plan.mode);
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
