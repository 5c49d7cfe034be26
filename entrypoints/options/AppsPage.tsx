import { useCallback, useEffect, useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { AppOverview } from '@/lib/grants/overview';
import { broadcastMessaging } from '@/utils/messaging';
import { day, usd } from '@/utils/format';
import { callVault } from '@/utils/vault-client';
import { GrantItem } from './GrantItem';

/** The app a link (`#/apps?origin=…`, from the popup or a spend alert) asks to show. */
function focusedOrigin(): string | undefined {
  const query = location.hash.split('?')[1];
  return query ? (new URLSearchParams(query).get('origin') ?? undefined) : undefined;
}

export function AppsPage() {
  const [apps, setApps] = useState<AppOverview[]>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(async () => setApps(await callVault('appOverview')), []);
  useEffect(() => {
    void refresh();
    return broadcastMessaging.onMessage('grantsChanged', () => void refresh());
  }, [refresh]);
  useEffect(() => {
    const origin = focusedOrigin();
    if (apps && origin) document.getElementById(`app-${origin}`)?.scrollIntoView();
  }, [apps]);

  async function run(work: () => Promise<unknown>) {
    setError(undefined);
    try {
      await work();
      await refresh();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }
  const act = (method: 'pauseGrant' | 'resumeGrant' | 'revokeGrant', id: string) => void run(() => callVault(method, { id }));

  const live = (apps ?? []).map((app) => ({ ...app, grants: app.grants.filter((g) => g.status === 'active' || g.status === 'paused') })).filter((app) => app.grants.length > 0);
  const ended = (apps ?? []).flatMap((app) => app.grants.filter((g) => g.status === 'revoked' || g.status === 'expired'));

  return (
    <section>
      <h2>Apps</h2>
      <ErrorText error={error} />
      {apps && live.length === 0 && <p>No app has access. When a site asks for access through OKAP, it appears here.</p>}
      <ul className="keys" aria-label="Apps with access">
        {live.map((app) => (
          <li key={app.origin} id={`app-${app.origin}`} className="card stack app" aria-label={app.origin}>
            <div className="row">
              <h3>{app.origin}</h3>
              <span className="muted">
                {usd(app.daySpentUsd)} today · {usd(app.monthSpentUsd)} this month
              </span>
              <button type="button" className="danger" onClick={() => void run(() => callVault('revokeOrigin', { origin: app.origin }))}>
                Revoke all
              </button>
            </div>
            <ul className="grants stack">
              {app.grants.map((overview) => (
                <GrantItem key={overview.grant.id} overview={overview} act={act} />
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {ended.length > 0 && (
        <details>
          <summary>Revoked and expired ({ended.length})</summary>
          <ul>
            {ended.map(({ grant }) => (
              <li key={grant.id}>
                {grant.client.name} ({grant.origin}): {grant.revokedAt ? `revoked ${day(grant.revokedAt)}` : `expired ${day(grant.expiresAt)}`}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
