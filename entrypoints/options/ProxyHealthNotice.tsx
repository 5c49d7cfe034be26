import { useEffect, useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { ProxyHealth } from '@/lib/usage/health';
import { callVault } from '@/utils/vault-client';

const usd = (n: number) => `$${n.toFixed(4)}`;

/**
 * Why calls are refused or held, on the dashboard: the wallet cannot record calls (storage), or
 * a call cost more than its reservation and the grant waits for the person (overrun hold).
 */
export function ProxyHealthNotice() {
  const [health, setHealth] = useState<ProxyHealth>();
  const [error, setError] = useState<string>();
  const refresh = () => void callVault('proxyHealth').then(setHealth, (failure: unknown) => setError(messageOf(failure)));
  useEffect(refresh, []);

  async function acknowledge(grantId: string, provider: string) {
    try {
      await callVault('acknowledgeOverrun', { grantId, provider });
      refresh();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  if (!health) return <ErrorText error={error} />;
  return (
    <>
      {!health.storage.ok && (
        <div role="alert" className="card" aria-label="Calls are refused">
          <strong>Apps’ calls are refused: the wallet cannot record them.</strong> {health.storage.message} Since{' '}
          {new Date(health.storage.since).toLocaleString()}. Nothing was sent to a provider that the wallet could not record.
        </div>
      )}
      {health.overruns.map((o) => (
        <div role="alert" className="card stack" key={`${o.grantId}/${o.provider}`} aria-label={`Paid calls held for ${o.origin ?? o.grantId}`}>
          <p>
            <strong>Paid calls held for {o.origin ?? 'an app'} ({o.provider}).</strong> A call cost {usd(o.costUsd)}, more than the {usd(o.reservedUsd)}{' '}
            the wallet held for it, so its spending limit may not have been a true cap. Its real cost is counted. New paid calls wait until you
            review this, or until the day ends.
          </p>
          <button type="button" onClick={() => void acknowledge(o.grantId, o.provider)}>
            I have reviewed it: allow calls again
          </button>
        </div>
      ))}
      <ErrorText error={error} />
    </>
  );
}
