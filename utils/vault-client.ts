import { unwrap } from '@/lib/messages/reply';
import type { VaultApiResults, VaultMethod, VaultParams } from '@/lib/messages/vault-api';
import { vaultMessaging } from './messaging';

/** Calls the background; a failed reply is thrown as a ReplyFailure with its code and message. */
export async function callVault<M extends VaultMethod>(method: M, ...params: VaultParams<M> extends undefined ? [] : [VaultParams<M>]): Promise<VaultApiResults[M]> {
  const send = vaultMessaging.sendMessage as unknown as (m: M, p: unknown) => Promise<Parameters<typeof unwrap<VaultApiResults[M]>>[0]>;
  return unwrap(await send(method, params[0]));
}
