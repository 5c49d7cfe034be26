import { useCallback, useEffect, useState } from 'react';
import type { VaultStatus } from '@/lib/vault/vault';
import { broadcastMessaging } from '@/utils/messaging';
import { callVault } from '@/utils/vault-client';

/** The vault's lock state, kept current by the background's broadcasts ("Lock" locks everywhere). */
export function useVaultStatus() {
  const [status, setStatus] = useState<VaultStatus>();
  const refresh = useCallback(async () => setStatus(await callVault('status')), []);
  useEffect(() => {
    void refresh();
    const stop = broadcastMessaging.onMessage('vaultChanged', ({ data }) => setStatus(data));
    // A page left open across an auto-lock learns of it when it is looked at again.
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);
  return { status, setStatus, refresh };
}
