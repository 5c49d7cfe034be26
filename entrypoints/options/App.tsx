import { useEffect, useState } from 'react';
import { LockButton } from '@/components/LockButton';
import { UnlockForm } from '@/components/UnlockForm';
import { useVaultStatus } from '@/components/useVaultStatus';
import { Onboarding } from './Onboarding';
import { KeysPage } from './KeysPage';
import { SettingsPage } from './SettingsPage';
import { AppsPage } from './AppsPage';
import { ActivityPage } from './ActivityPage';
import { ProxyHealthNotice } from './ProxyHealthNotice';

const pages = { apps: 'Apps', activity: 'Activity', keys: 'Keys', settings: 'Settings' } as const;
type Page = keyof typeof pages;

function currentPage(): Page {
  const hash = location.hash.replace(/^#\/?/, '');
  return hash in pages ? (hash as Page) : 'keys';
}

export function App() {
  const { status, setStatus } = useVaultStatus();
  const [page, setPage] = useState<Page>(currentPage);
  useEffect(() => {
    const onHash = () => setPage(currentPage());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  if (!status)
    return (
      <main aria-busy="true">
        <ProxyHealthNotice />
      </main>
    );
  if (!status.exists) return <Onboarding onCreated={setStatus} />;
  if (!status.unlocked) {
    return (
      <main className="narrow">
        <h1>Unlock OKAP Wallet</h1>
        <UnlockForm key={status.retryAt} status={status} onUnlocked={setStatus} />
      </main>
    );
  }
  return (
    <div className="dashboard">
      <header>
        <h1>OKAP Wallet</h1>
        <nav aria-label="Dashboard">
          {(Object.keys(pages) as Page[]).map((id) => (
            <a key={id} href={`#/${id}`} aria-current={page === id ? 'page' : undefined}>
              {pages[id]}
            </a>
          ))}
        </nav>
        <LockButton onLocked={setStatus} />
      </header>
      <main>
        {page === 'apps' && <AppsPage />}
        {page === 'activity' && <ActivityPage />}
        {page === 'keys' && <KeysPage />}
        {page === 'settings' && <SettingsPage status={status} onStatus={setStatus} />}
      </main>
    </div>
  );
}
