import { browser } from 'wxt/browser';
import { spendAlerts, type AlertMemory, type SpendAlert } from '@/lib/alerts/spend';
import type { VaultDb } from '@/lib/db/schema';
import type { CounterSnapshot } from '@/lib/limits/types';
import type { Settings } from '@/lib/vault/settings';

const MEMORY_KEY = 'spendAlertsFired';
const PREFIX = 'okap-spend:';

/** Which alerts fired, in storage.local: not secret (ids and periods), and it must survive restarts. */
const storageMemory: AlertMemory = {
  async load() {
    const stored = (await browser.storage.local.get(MEMORY_KEY))[MEMORY_KEY];
    return Array.isArray(stored) ? stored.filter((k): k is string => typeof k === 'string') : [];
  },
  save: (keys) => browser.storage.local.set({ [MEMORY_KEY]: keys }),
};

/** Wires the spend alerts (decided in lib/alerts) to browser notifications; a click opens the app on the Apps page. */
export function spendNotifications(deps: { db: VaultDb; settings: () => Settings; snapshot: (grantId: string, provider: string, now: number) => Promise<CounterSnapshot> }) {
  const alerts = spendAlerts(storageMemory);

  browser.notifications.onClicked.addListener((id) => {
    if (!id.startsWith(PREFIX)) return;
    const origin = id.slice(PREFIX.length).split('#')[0]!;
    void browser.tabs.create({ url: browser.runtime.getURL(`/options.html#/apps?origin=${encodeURIComponent(origin)}`) });
    void browser.notifications.clear(id);
  });

  async function show(alert: SpendAlert, origin: string, name: string): Promise<void> {
    const share = alert.threshold >= 1 ? 'reached' : `${Math.round(alert.threshold * 100)}% of`;
    const limit = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(alert.limitUsd);
    await browser.notifications.create(`${PREFIX}${origin}#${alert.key}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: `${name} has ${share} its ${alert.period === 'day' ? 'daily' : 'monthly'} limit`,
      message: `${origin} spent ${new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 }).format(alert.spentUsd)} of ${limit} on ${alert.provider}. Click to review.`,
    });
  }

  return async function onSettled(grantId: string, provider: string): Promise<void> {
    try {
      // The proxy's cached settings: this runs after every settled call, so it reads no settings row.
      if (!deps.settings().spendAlerts) return;
      const grant = await deps.db.grants.get(grantId);
      const detail = grant?.details.find((d) => d.provider === provider);
      if (!grant || !detail?.limits) return;
      const due = await alerts.check(grantId, provider, detail.limits, await deps.snapshot(grantId, provider, Date.now()));
      for (const alert of due) await show(alert, grant.origin, grant.client.name);
    } catch (error) {
      console.warn('spend alert:', error instanceof Error ? error.name : typeof error);
    }
  };
}
