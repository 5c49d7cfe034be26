import '@/utils/zod-config';
import { ApprovalQueue } from '@/lib/approvals/queue';
import { accessService } from '@/lib/approvals/service';
import { VaultDb } from '@/lib/db/schema';
import { GrantStore, isLive } from '@/lib/grants/store';
import type { Grant } from '@/lib/grants/types';
import type { VaultMethod } from '@/lib/messages/vault-api';
import { pageApi } from '@/lib/page-api/service';
import type { GrantedResponse } from '@/lib/protocol';
import { usageCsv, usageCsvHeader, usageCsvLines } from '@/lib/usage/csv';
import { usageCount, usageFacets, usagePage } from '@/lib/db/usage-query';
import type { UsageFilter } from '@/lib/usage/filter';
import { chartAccumulator } from '@/lib/usage/charts';
import { effectiveTimeZone } from '@/lib/vault/settings';
import { KeyStore } from '@/lib/vault/keys';
import { ImportPlans } from '@/lib/vault/import-plans';
import { vaultService } from '@/lib/vault/service';
import { Vault } from '@/lib/vault/vault';
import { broadcastMessaging } from '@/utils/messaging';
import { approvalBadge } from './approval-badge';
import { approvalWindow } from './approval-window';
import { autoLock } from './auto-lock';
import { clearUnlockRequest, localProxy } from './local-proxy';
import { localBaseUrl } from './local-base-url';
import { pagePorts } from './page-ports';
import { browserSessionStore } from './session-store';
import { registerVaultHandlers } from './vault-handlers';
import { spendNotifications } from './spend-notifications';
import { showLockState } from './toolbar-icon';

/** Methods after which every open extension page should redraw its lock state. */
const STATE_CHANGES = new Set<VaultMethod>(['create', 'unlock', 'lock', 'resetVault']);
const GRANT_CHANGES = new Set<VaultMethod>(['approve', 'revokeGrant', 'revokeOrigin', 'pauseGrant', 'resumeGrant', 'editGrant', 'resetVault']);
/** Methods after which the proxy must open keys afresh. */
const KEY_CHANGES = new Set<VaultMethod>(['addKey', 'editKey', 'replaceKey', 'deleteKey', 'setDefaultKey', 'applyImport', 'resetVault', 'lock']);

export default defineBackground(() => {
  const db = new VaultDb();
  const vault = new Vault({
    db,
    session: browserSessionStore,
    onChange: (unlocked) => {
      void announce();
      void showLockState(unlocked);
      if (unlocked) void clearUnlockRequest().then(() => badge.refresh());
      else {
        proxy.forgetKeys();
        importPlans.clear();
      }
    },
  });
  const lockTimer = autoLock(vault);
  const ready = vault.restore().then(async () => {
    void showLockState(vault.isUnlocked);
    await lockTimer.schedule();
  });
  const dataKey = () => vault.requireKey();
  const grants = new GrantStore(db, dataKey);
  const keys = new KeyStore(db, dataKey);
  const queue = new ApprovalQueue<GrantedResponse>();
  const window = approvalWindow(queue);
  // The alerts read the ledger the proxy builds, so the proxy calls them through this late binding.
  let alertOnSettled: (grantId: string, provider: string) => void = () => undefined;
  const proxy = localProxy({ db, vault, grants, keys, onSettled: (g, p) => alertOnSettled(g, p) });
  const notify = spendNotifications({ db, settings: proxy.settings, snapshot: proxy.snapshot });
  alertOnSettled = (g, p) => void notify(g, p);
  const importPlans = new ImportPlans();

  async function announce(): Promise<void> {
    await lockTimer.schedule();
    // No open page means nobody to tell.
    await broadcastMessaging.sendMessage('vaultChanged', await vault.status()).catch(() => undefined);
  }

  function onRevoked(grant: Grant, token: string): void {
    proxy.revoke(grant.id);
    ports.announceRevoked(grant.origin, token);
  }

  const ports = pagePorts(
    pageApi({
      queue,
      grants,
      isUnlocked: () => vault.isUnlocked,
      showApprovals: async () => {
        await ready;
        await window.show();
      },
      onRevoked,
    }),
    async (request, origin) => {
      await ready;
      return proxy.fetch(request, origin);
    },
    async (origin, token) => {
      await ready;
      const grant = await grants.findByToken(token);
      return grant !== undefined && grant.origin === origin && isLive(grant, Date.now());
    },
  );
  const badge = approvalBadge(queue);

  const handlers = {
    ...vaultService({ db, vault, plans: importPlans, fetch: (input, init) => fetch(input, init) }),
    ...accessService({ queue, grants, keys, vault, baseUrlFor: localBaseUrl, onRevoked, usage: { snapshot: proxy.snapshot, lastUsed: proxy.usage.lastUsed } }),
    // The popup's pending count: the person asks to see the waiting requests.
    showApprovals: async () => {
      if (queue.size > 0) await window.show();
      return null;
    },
    recentUsage: async ({ limit }: { limit: number }) => {
      vault.requireKey();
      return proxy.usage.recent(limit);
    },
    // Why calls are refused (storage) or held (overruns): not secret, shown even while locked.
    proxyHealth: () => proxy.health(),
    acknowledgeOverrun: async ({ grantId, provider }: { grantId: string; provider: string }) => {
      vault.requireKey();
      await proxy.acknowledgeOverrun(grantId, provider);
      return null;
    },
    exportUsageCsv: async () => {
      vault.requireKey();
      return { fileName: `okap-activity-${new Date().toISOString().slice(0, 10)}.csv`, text: usageCsv(await proxy.usage.all()) };
    },
    usagePage: async ({ filter, offset, limit }: { filter: UsageFilter; offset: number; limit: number }) => {
      vault.requireKey();
      await proxy.usage.flush();
      return usagePage(db, filter, offset, limit);
    },
    usageCount: async ({ filter }: { filter: UsageFilter }) => {
      vault.requireKey();
      await proxy.usage.flush();
      return usageCount(db, filter);
    },
    // The last 31 days stream from the time index through the accumulator; no array of rows is built.
    usageCharts: async () => {
      vault.requireKey();
      const acc = chartAccumulator(Date.now(), effectiveTimeZone(await vault.settings()));
      await db.usage.where('time').aboveOrEqual(acc.since).each((row) => acc.add(row));
      return acc.result();
    },
    usageFacets: async () => {
      vault.requireKey();
      return usageFacets(db);
    },
    // The export is streamed: the page asks chunk by chunk and hands the chunks to a Blob, so no
    // side holds the whole file as one string.
    usageCsvChunk: async ({ filter, offset, limit }: { filter: UsageFilter; offset: number; limit: number }) => {
      vault.requireKey();
      const rows = await usagePage(db, filter, offset, limit);
      return { text: (offset === 0 ? usageCsvHeader() : '') + usageCsvLines(rows), rows: rows.length };
    },
  };
  registerVaultHandlers(handlers, {
    ready,
    afterEach: async (method) => {
      if (GRANT_CHANGES.has(method)) void broadcastMessaging.sendMessage('grantsChanged', undefined).catch(() => undefined);
      if (KEY_CHANGES.has(method)) proxy.forgetKeys();
      if (method === 'resetVault') grants.forget();
      if (method === 'updateSettings' || method === 'resetVault' || method === 'applyImport') await proxy.refreshSettings();
      // Reading why calls are refused is not activity, and must answer even while the database is blocked.
      if (STATE_CHANGES.has(method) || method === 'proxyHealth') return;
      await vault.touch();
      await lockTimer.schedule();
    },
  });
});
