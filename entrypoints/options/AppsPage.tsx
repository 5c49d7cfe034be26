import { useCallback, useEffect, useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { Grant } from '@/lib/grants/types';
import { broadcastMessaging } from '@/utils/messaging';
import { callVault } from '@/utils/vault-client';

const date = (ms: number) => new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

function limitsText(limits: Grant['details'][number]['limits']): string {
  if (!limits) return 'no limits';
  const parts = [
    limits.monthly_spend !== undefined && `$${limits.monthly_spend}/month`,
    limits.daily_spend !== undefined && `$${limits.daily_spend}/day`,
    limits.requests_per_minute !== undefined && `${limits.requests_per_minute} req/min`,
    limits.requests_per_day !== undefined && `${limits.requests_per_day} req/day`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no limits';
}

export function AppsPage() {
  const [grants, setGrants] = useState<Grant[]>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(async () => setGrants(await callVault('listGrants')), []);
  useEffect(() => {
    void refresh();
    return broadcastMessaging.onMessage('grantsChanged', () => void refresh());
  }, [refresh]);

  const now = Date.now();
  const live = grants?.filter((g) => g.revokedAt === 0 && g.expiresAt > now) ?? [];
  const ended = grants?.filter((g) => !live.includes(g)) ?? [];

  async function revoke(id: string) {
    setError(undefined);
    try {
      await callVault('revokeGrant', { id });
      await refresh();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <section>
      <h2>Apps</h2>
      {grants && live.length === 0 && <p>No app has access. When a site asks for access through OKAP, it appears here.</p>}
      <ul className="keys" aria-label="Apps with access">
        {live.map((grant) => (
          <li key={grant.id} className="card stack" aria-label={`${grant.client.name} (${grant.origin})`}>
            <div className="row">
              <strong>{grant.client.name}</strong>
              <span className="muted">{grant.origin}</span>
            </div>
            {grant.details.map((detail) => (
              <p key={detail.provider} className="detail-line">
                <strong>{detail.provider}</strong>: {detail.models?.length ? detail.models.join(', ') : 'any model'}; {limitsText(detail.limits)}
              </p>
            ))}
            <p className="muted">
              Granted {date(grant.createdAt)}; expires {grant.expiresAt >= Date.parse('9999-01-01') ? 'never' : date(grant.expiresAt)}
            </p>
            <div className="row">
              <button type="button" className="danger" onClick={() => revoke(grant.id)}>
                Revoke
              </button>
            </div>
          </li>
        ))}
      </ul>
      <ErrorText error={error} />
      {ended.length > 0 && (
        <details>
          <summary>Revoked and expired ({ended.length})</summary>
          <ul>
            {ended.map((grant) => (
              <li key={grant.id}>
                {grant.client.name} ({grant.origin}): {grant.revokedAt ? `revoked ${date(grant.revokedAt)}` : `expired ${date(grant.expiresAt)}`}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
