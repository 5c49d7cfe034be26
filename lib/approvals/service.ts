import type { AccessMethod, VaultHandlers } from '../messages/vault-api';
import type { GrantedResponse } from '../protocol';
import type { GrantStore } from '../grants/store';
import type { Grant } from '../grants/types';
import { appOverviews, type OverviewSources } from '../grants/overview';
import type { KeyStore, KeySummary } from '../vault/keys';
import { keyKinds, type KeyKind } from '../providers/kinds';
import { adapterFor } from '../providers/registry';
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
  /** Where the Apps page's spend and last use come from: the ledger's counters and the usage index. */
  usage?: OverviewSources;
  now?: () => number;
}

/**
 * The host a provider id's calls would reach. A provider id is the page's word: for one the wallet does
 * not know by name, or served by a key with its own Base URL, the person sees where calls would go.
 */
function hostFor(keys: KeySummary[]): (provider: string) => string | null | undefined {
  return (provider) => {
    const serving = keys.filter((key) => key.providerId === provider);
    const key = serving.find((k) => k.isDefault) ?? serving[0];
    const known = (keyKinds as readonly string[]).includes(provider) && provider !== 'openai-compatible';
    if (!key) return known ? undefined : null;
    if (known && key.baseUrl === '') return undefined;
    try {
      return new URL(key.baseUrl || adapterFor(key.kind as KeyKind).defaultBaseUrl).host;
    } catch {
      return null;
    }
  };
}

/** The approval window's and the Apps page's side of access: decide requests, list and revoke grants. */
export function accessService(deps: AccessServiceDeps): VaultHandlers<AccessMethod> {
  const now = deps.now ?? Date.now;
  async function revoke(id: string): Promise<void> {
    const token = await deps.grants.tokenOf(id);
    const grant = await deps.grants.revoke(id);
    if (grant && token) deps.onRevoked(grant, token);
  }
  return {
    async pendingApprovals() {
      deps.vault.requireKey();
      const [settings, keys, grants] = await Promise.all([deps.vault.settings(), deps.keys.list(), deps.grants.list()]);
      const providers = new Set(keys.map((key) => key.providerId));
      const seen = new Set(grants.map((grant) => grant.origin));
      const context = { settings, hasKey: (p: string) => providers.has(p), hostFor: hostFor(keys), seenBefore: (o: string) => seen.has(o), now: now() };
      return deps.queue.list().map((pending) => approvalView(pending, context));
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
      await revoke(id);
      return null;
    },
    async revokeOrigin({ origin }) {
      deps.vault.requireKey();
      const live = (await deps.grants.list()).filter((g) => g.origin === origin && g.revokedAt === 0);
      for (const grant of live) await revoke(grant.id);
      return { revoked: live.length };
    },
    async pauseGrant({ id }) {
      deps.vault.requireKey();
      await deps.grants.setPaused(id, true);
      return null;
    },
    async resumeGrant({ id }) {
      deps.vault.requireKey();
      await deps.grants.setPaused(id, false);
      return null;
    },
    async editGrant(edit) {
      deps.vault.requireKey();
      await deps.grants.edit(edit);
      return null;
    },
    async appOverview() {
      deps.vault.requireKey();
      // Without a usage source (tests of approval alone) every grant reads as unused.
      const none: OverviewSources = {
        snapshot: async () => ({ day: '', dayRequests: 0, daySpentUsd: 0, dayReservedUsd: 0, month: '', monthSpentUsd: 0, monthReservedUsd: 0, lastMinuteRequests: 0 }),
        lastUsed: async () => undefined,
      };
      return appOverviews(await deps.grants.list(), deps.usage ?? none, now());
    },
  };
}
