import { browser } from 'wxt/browser';
import { LockButton } from '@/components/LockButton';
import { UnlockForm } from '@/components/UnlockForm';
import { useVaultStatus } from '@/components/useVaultStatus';

function openDashboard(page = 'keys') {
  void browser.tabs.create({ url: browser.runtime.getURL(`/options.html#/${page}`) });
  window.close();
}

export function Popup() {
  const { status, setStatus } = useVaultStatus();
  if (!status) return <main aria-busy="true" />;
  return (
    <main className="stack">
      <h1>OKAP Wallet</h1>
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
