import type { VaultStatus } from '@/lib/vault/vault';
import { callVault } from '@/utils/vault-client';

export function LockButton({ onLocked }: { onLocked: (status: VaultStatus) => void }) {
  return (
    <button type="button" className="secondary" onClick={async () => onLocked(await callVault('lock'))}>
      Lock
    </button>
  );
}
