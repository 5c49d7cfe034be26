import { browser } from 'wxt/browser';
import { dexieCounterStore } from '@/lib/db/counter-store';
import type { VaultDb } from '@/lib/db/schema';
import { pruneUsage, retentionCutoff } from '@/lib/db/retention';
import { dexieUsageLog } from '@/lib/db/usage-log';
import type { GrantStore } from '@/lib/grants/store';
import { createLimitLedger, StorageTimeoutError, type CounterStore } from '@/lib/limits';
import { createRevocationHub, handle, recoverInterruptedCalls, type ProviderKey, type ProxyDeps } from '@/lib/proxy';
import type { KeyKind } from '@/lib/providers/kinds';
import { storageHealthTracker, type ProxyHealth, type StorageHealth } from '@/lib/usage/health';
import type { KeyStore } from '@/lib/vault/keys';
import { defaultSettings, effectiveTimeZone, type Settings } from '@/lib/vault/settings';
import type { Vault } from '@/lib/vault/vault';

/** The proxy of local mode: the background worker is the vault, and keys never leave it. */
export function localProxy({
  db,
  vault,
  grants,
  keys,
  onSettled,
}: {
  db: VaultDb;
  vault: Vault;
  grants: GrantStore;
  keys: KeyStore;
  /** A call of this detail settled (its spend is in the counters): the spend alerts look. */
  onSettled?: (grantId: string, provider: string) => void;
}) {
  // The ledger asks for the time zone synchronously; settings are cached and refreshed on change.
  let settings: Settings = defaultSettings;
  const refreshSettings = async () => void (settings = await vault.settings());
  const onError = (error: unknown) => console.warn('proxy:', error instanceof Error ? error.name : typeof error);
  const revocations = createRevocationHub();
  const usage = dexieUsageLog(db);
  // Every commit of the ledger says whether the wallet can record calls; a failure refuses calls
  // (storage_unavailable) and is shown on the toolbar, in the popup and on the dashboard.
  const storage = storageHealthTracker(Date.now, (health) => void showStorageHealth(health, vault.isUnlocked));
  const ledger = createLimitLedger({
    store: watched(dexieCounterStore(db), storage, onSettled),
    timeZone: () => effectiveTimeZone(settings),
    // A commit that hangs (a blocked database) refuses the call after this long instead of holding it.
    commitTimeoutMs: 8_000,
    onError: (error) => {
      if (error instanceof StorageTimeoutError) storage.failed(error);
      onError(error);
    },
  });
  // Opened keys by provider, so a call does not read and decrypt its key each time. Plaintext stays in
  // this worker's memory, as it must while unlocked, and is dropped on lock and on any change to keys.
  const openKeys = new Map<string, Promise<ProviderKey | undefined>>();
  const deps: ProxyDeps = {
    grants,
    keys: {
      forProvider(providerId) {
        vault.requireKey();
        let key = openKeys.get(providerId);
        if (!key) {
          key = openKey(providerId);
          openKeys.set(providerId, key);
          key.catch(() => openKeys.delete(providerId));
        }
        return key;
      },
    },
    limits: ledger,
    usage,
    now: Date.now,
    fetch: (input, init) => fetch(input, init),
    priceOverrides: () => settings.priceOverrides,
    revocations,
    onError,
    onAdmitted: () => void vault.touch(),
  };
  async function openKey(providerId: string): Promise<ProviderKey | undefined> {
    const row = await keys.defaultFor(providerId);
    if (!row) return undefined;
    const { secret } = await keys.reveal(row.id);
    return { kind: row.kind as KeyKind, baseUrl: row.baseUrl, secret };
  }

  // Old activity goes in the background, a chunk per transaction, never ahead of a call.
  let pruning: Promise<unknown> | undefined;
  function prune(): void {
    pruning ??= pruneUsage(db, retentionCutoff(Date.now(), settings.usageRetentionDays))
      .catch(onError)
      .finally(() => (pruning = undefined));
  }

  // Calls a dead worker left half-done are settled before any new call is admitted.
  const ready = refreshSettings()
    .then(() => recoverInterruptedCalls(deps))
    .catch((error: unknown) => {
      // A store that cannot commit refuses every call until it can; the worker still serves refusals.
      storage.failed(error);
      onError(error);
    });
  void ready.then(prune);

  return {
    usage,
    /** Settings as the proxy holds them (refreshed on every change): no read per call for who needs them. */
    settings: (): Settings => settings,
    async refreshSettings() {
      await refreshSettings();
      prune();
    },
    async health(): Promise<ProxyHealth> {
      // A blocked database must not keep the reason it is blocked from being shown.
      const overruns = await within(ledger.overruns(), []);
      const withOrigins = await Promise.all(overruns.map(async (o) => ({ ...o, origin: (await within(db.grants.get(o.grantId), undefined))?.origin })));
      return { storage: storage.get(), overruns: withOrigins };
    },
    acknowledgeOverrun: (grantId: string, provider: string) => ledger.acknowledgeOverrun(grantId, provider),
    /** A detail's running counters, for the dashboard's spend bars. */
    snapshot: (grantId: string, provider: string, now: number) => ledger.snapshot(grantId, provider, now),
    revoke: (grantId: string) => revocations.revoke(grantId),
    forgetKeys: () => openKeys.clear(),
    async fetch(request: Request, origin: string): Promise<Response> {
      await ready;
      const response = await handle(request, { origin }, deps);
      // A locked vault cannot serve apps: show it on the toolbar icon until the person unlocks.
      if (response.status === 503 && !vault.isUnlocked) void askToUnlock();
      return response;
    },
  };
}

/** The value, or the fallback if it fails or takes more than a second. */
function within<T, F>(work: Promise<T>, fallback: F): Promise<T | F> {
  return Promise.race([work.catch(() => fallback), new Promise<F>((resolve) => setTimeout(() => resolve(fallback), 1000))]);
}

/** A CounterStore that reports each commit's outcome. */
function watched(store: CounterStore, health: ReturnType<typeof storageHealthTracker>, onSettled?: (grantId: string, provider: string) => void): CounterStore {
  const report = async <T,>(work: Promise<T>): Promise<T> => {
    try {
      const value = await work;
      health.succeeded();
      return value;
    } catch (error) {
      health.failed(error);
      throw error;
    }
  };
  return {
    load: (grantId, provider) => report(store.load(grantId, provider)),
    listReservations: () => report(store.listReservations()),
    listStates: () => store.listStates(),
    commit: async (batch) => {
      await report(store.commit(batch));
      // A finished row in a committed batch is a settled call: its spend now counts.
      for (const row of batch.rows) if (row.status !== 'started') onSettled?.(row.grantId, row.provider);
    },
  };
}

async function showStorageHealth(health: StorageHealth, unlocked: boolean): Promise<void> {
  if (health.ok) {
    if (unlocked) await clearUnlockRequest();
    return;
  }
  await browser.action.setBadgeText({ text: '!' });
  await browser.action.setBadgeBackgroundColor({ color: '#b91c1c' });
  await browser.action.setTitle({ title: `OKAP Wallet cannot record calls, so it refuses them: ${health.message}` });
}

export async function askToUnlock(): Promise<void> {
  await browser.action.setBadgeText({ text: '!' });
  await browser.action.setBadgeBackgroundColor({ color: '#b45309' });
  await browser.action.setTitle({ title: 'OKAP Wallet is locked: an app is waiting. Click to unlock.' });
}

export async function clearUnlockRequest(): Promise<void> {
  await browser.action.setBadgeText({ text: '' });
  await browser.action.setTitle({ title: 'OKAP Wallet' });
}
