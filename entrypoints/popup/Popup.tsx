import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { LockButton } from '@/components/LockButton';
import { UnlockForm } from '@/components/UnlockForm';
import { useVaultStatus } from '@/components/useVaultStatus';
import type { ProxyHealth } from '@/lib/usage/health';
import { callVault } from '@/utils/vault-client';
import { PopupSummary } from './PopupSummary';

function openDashboard(page = 'keys') {
  void browser.tabs.create({ url: browser.runtime.getURL(`/options.html#/${page}`) });
  window.close();
}

/** Why apps' calls are refused or held, in words; details and the fix are on the dashboard. */
function HealthNotice() {
  const [health, setHealth] = useState<ProxyHealth>();
  useEffect(() => void callVault('proxyHealth').then(setHealth, () => undefined), []);
  if (!health) return null;
  return (
    <>
      {!health.storage.ok && (
        <p role="alert">
          Apps’ calls are refused: the wallet cannot record them. {health.storage.message}
        </p>
      )}
      {health.overruns.length > 0 && (
        <p role="alert">
          Paid calls are held for {health.overruns.map((o) => o.origin ?? o.provider).join(', ')}: a call cost more than the wallet reserved for it.{' '}
          <button type="button" className="link" onClick={() => openDashboard('activity')}>
            Review
          </button>
        </p>
      )}
    </>
  );
}

export function Popup() {
  const { status, setStatus } = useVaultStatus();
  // A database that cannot even be read still gets its reason shown.
  if (!status)
    return (
      <main aria-busy="true">
        <HealthNotice />
      </main>
    );
  return (
    <main className="stack">
      <h1>OKAP Wallet</h1>
      {status.exists && <HealthNotice />}
      {!status.exists && (
        <>
          <p>Keep your AI keys in one encrypted place and give apps revocable tokens instead.</p>
          <button type="button" onClick={() => openDashboard()}>
            Set up the vault
          </button>
        </>
      )}
      {status.exists && !status.unlocked && <UnlockForm key={status.retryAt} status={status} onUnlocked={setStatus} />}
      {status.exists && status.unlocked && (
        <>
          <p role="status">Unlocked. Locks after {status.autoLockMinutes} min of inactivity.</p>
          <PopupSummary openDashboard={openDashboard} />
          <div className="row">
            <button type="button" onClick={() => openDashboard()}>
              Open dashboard
            </button>
            <LockButton onLocked={setStatus} />
          </div>
        </>
      )}
    </main>
  );
}
