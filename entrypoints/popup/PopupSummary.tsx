import { useCallback, useEffect, useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import { SpendBar } from '@/components/SpendBar';
import type { AppOverview } from '@/lib/grants/overview';
import { broadcastMessaging } from '@/utils/messaging';
import { count, usd } from '@/utils/format';
import { callVault } from '@/utils/vault-client';

/** An app's monthly limit: the sum of its live details' limits, if every one of them has one. */
function monthlyLimit(app: AppOverview): number | undefined {
  const details = app.grants.filter((g) => g.status === 'active' || g.status === 'paused').flatMap((g) => g.grant.details);
  if (details.length === 0 || details.some((d) => d.limits?.monthly_spend === undefined)) return undefined;
  return details.reduce((sum, d) => sum + d.limits!.monthly_spend!, 0);
}

const TOP_APPS = 3;

/** The unlocked popup: today's spend, what waits for a decision, and the biggest spenders this month. */
export function PopupSummary({ openDashboard }: { openDashboard: (page: string) => void }) {
  const [apps, setApps] = useState<AppOverview[]>();
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<string>();
  const refresh = useCallback(async () => {
    try {
      const [overview, waiting] = await Promise.all([callVault('appOverview'), callVault('pendingApprovals')]);
      setApps(overview);
      setPending(waiting.length);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, []);
  useEffect(() => {
    void refresh();
    const offGrants = broadcastMessaging.onMessage('grantsChanged', () => void refresh());
    const offApprovals = broadcastMessaging.onMessage('approvalsChanged', () => void refresh());
    return () => {
      offGrants();
      offApprovals();
    };
  }, [refresh]);

  if (!apps) return <ErrorText error={error} />;
  const today = apps.reduce((sum, app) => sum + app.daySpentUsd, 0);
  const live = apps.filter((app) => app.grants.some((g) => g.status === 'active' || g.status === 'paused'));
  const top = [...live].sort((a, b) => b.monthSpentUsd - a.monthSpentUsd).slice(0, TOP_APPS);
  return (
    <>
      <p className="today">
        Spent today across all apps: <strong data-testid="spend-today" data-usd={today}>{usd(today)}</strong>
      </p>
      {pending > 0 && (
        <button type="button" onClick={() => void callVault('showApprovals').then(() => window.close())}>
          {count(pending)} {pending === 1 ? 'request' : 'requests'} waiting
        </button>
      )}
      {top.length > 0 && (
        <section aria-label="Top apps this month">
          <h2>Top apps this month</h2>
          <ul className="grants stack">
            {top.map((app) => (
              <li key={app.origin} className="stack" aria-label={app.origin}>
                <button type="button" className="link" onClick={() => openDashboard(`apps?origin=${encodeURIComponent(app.origin)}`)}>
                  {app.origin}
                </button>
                <SpendBar label="This month" spent={app.monthSpentUsd} limit={monthlyLimit(app)} />
                <div className="row">
                  <button type="button" className="danger" onClick={() => void callVault('revokeOrigin', { origin: app.origin }).then(refresh, (f: unknown) => setError(messageOf(f)))}>
                    Revoke
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      <ErrorText error={error} />
      <nav className="row" aria-label="Dashboard">
        {(['apps', 'activity', 'keys', 'settings'] as const).map((page) => (
          <a key={page} href={`/options.html#/${page}`} onClick={(e) => (e.preventDefault(), openDashboard(page))}>
            {page[0]!.toUpperCase() + page.slice(1)}
          </a>
        ))}
      </nav>
    </>
  );
}
