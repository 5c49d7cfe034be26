import { defineExtensionMessaging } from '@webext-core/messaging';
import type { Reply } from '@/lib/messages/reply';
import type { VaultApiResults, VaultMethod, VaultParams } from '@/lib/messages/vault-api';
import type { VaultStatus } from '@/lib/vault/vault';

type VaultProtocol = {
  [M in VaultMethod]: (params: VaultParams<M>) => Reply<VaultApiResults[M]>;
};

interface BroadcastProtocol {
  /** The background tells every extension page when the vault locks, unlocks or is reset. */
  vaultChanged(status: VaultStatus): void;
  /** The queue of requests waiting for approval changed. */
  approvalsChanged(): void;
  /** A grant was issued or revoked. */
  grantsChanged(): void;
}

export const vaultMessaging = defineExtensionMessaging<VaultProtocol>();
export const broadcastMessaging = defineExtensionMessaging<BroadcastProtocol>();
