import { useCallback, useEffect, useState } from 'react';
import { UnlockForm } from '@/components/UnlockForm';
import { useVaultStatus } from '@/components/useVaultStatus';
import type { ApprovalView } from '@/lib/approvals/view';
import { broadcastMessaging } from '@/utils/messaging';
import { callVault } from '@/utils/vault-client';
import { ApprovalCard } from './ApprovalCard';

export function ApprovePage() {
  const { status, setStatus } = useVaultStatus();
  const [pending, setPending] = useState<ApprovalView[]>();
  const unlocked = status?.unlocked === true;

  const refresh = useCallback(async () => {
    if (unlocked) setPending(await callVault('pendingApprovals'));
  }, [unlocked]);
  useEffect(() => {
    void refresh();
    return broadcastMessaging.onMessage('approvalsChanged', () => void refresh());
  }, [refresh]);

  if (!status) return <main aria-busy="true" />;
  if (!status.exists) {
    return (
      <main className="stack">
        <h1>Set up OKAP Wallet first</h1>
        <p>A site asked for access, but there is no vault yet.</p>
        <a href="/options.html" target="_blank">
          Open setup
        </a>
      </main>
    );
  }
  if (!unlocked) {
    return (
      <main className="stack">
        <h1>Unlock to review a request</h1>
        <p>A site is asking for access to your AI keys.</p>
        <UnlockForm key={status.retryAt} status={status} onUnlocked={setStatus} />
      </main>
    );
  }
  if (!pending) return <main aria-busy="true" />;
  const current = pending[0];
  if (!current) {
    return (
      <main>
        <p role="status">No request is waiting.</p>
      </main>
    );
  }
  return (
    <main className="stack">
      {pending.length > 1 && (
        <p className="muted" role="status">
          Request 1 of {pending.length} ({pending.map((p) => new URL(p.origin).host).join(', ')})
        </p>
      )}
      <ApprovalCard key={current.id} view={current} onKeysChanged={refresh} />
    </main>
  );
}
