import type { AccessMethod, VaultHandlers } from '../messages/vault-api';
import type { GrantedResponse } from '../protocol';
import type { GrantStore } from '../grants/store';
import type { Grant } from '../grants/types';
import type { KeyStore } from '../vault/keys';
import type { Vault } from '../vault/vault';
import { VaultError } from '../vault/errors';
import { decisionSchema, grantedDetails } from './decision';
import type { ApprovalQueue } from './queue';
import { approvalView } from './view';

export interface AccessServiceDeps {
  queue: ApprovalQueue<GrantedResponse>;
  grants: GrantStore;
  keys: KeyStore;
  vault: Vault;
  /** Where apps send calls for a provider: `https://okap.invalid/v1/<provider>` in local mode. */
  baseUrlFor: (provider: string) => string;
  /** A grant was revoked: cut its calls in flight and tell every page of its origin. */
  onRevoked: (grant: Grant, token: string) => void;
  now?: () => number;
}

/** The approval window's and the Apps page's side of access: decide requests, list and revoke grants. */
export function accessService(deps: AccessServiceDeps): VaultHandlers<AccessMethod> {
  const now = deps.now ?? Date.now;
  return {
    async pendingApprovals() {
      deps.vault.requireKey();
      const [settings, keys] = await Promise.all([deps.vault.settings(), deps.keys.list()]);
      const providers = new Set(keys.map((key) => key.providerId));
      return deps.queue.list().map((pending) => approvalView(pending, settings, (p) => providers.has(p), now()));
    },
    async approve(input) {
      const decision = decisionSchema.parse(input);
      deps.vault.requireKey();
      // Claimed before the first await: a double click or the window closing cannot issue a second grant.
      const pending = deps.queue.claim(decision.id);
      if (!pending) throw new VaultError('not_found', 'That request is no longer waiting.');
      try {
        for (const detail of pending.request.authorization_details) {
          if (!(await deps.keys.defaultFor(detail.provider))) {
            throw new VaultError('invalid_input', `Add a key for ${detail.provider} before approving.`);
          }
        }
        const details = grantedDetails(pending.request, decision, deps.baseUrlFor, now());
        const client = pending.request.client ?? { name: new URL(pending.origin).host };
        const { response } = await deps.grants.issue(pending.origin, client, details);
        deps.queue.approve(decision.id, response);
        return null;
      } catch (error) {
        deps.queue.release(decision.id);
        throw error;
      }
    },
    async deny({ id }) {
      deps.queue.deny(id);
      return null;
    },
    async listGrants() {
      deps.vault.requireKey();
      return deps.grants.list();
    },
    async revokeGrant({ id }) {
      const token = await deps.grants.tokenOf(id);
      const grant = await deps.grants.revoke(id);
      if (grant && token) deps.onRevoked(grant, token);
      return null;
    },
  };
}
