import { z } from 'zod';
import { hashToken } from '../lib/grants/token';
import { decisionSchema, DecisionError, grantedDetails, type Decision } from '../lib/approvals/decision';
import { approvalView, type ViewContext } from '../lib/approvals/view';
import { AI_MODEL_ACCESS, deniedResponse, limitsSchema, type GrantedAuthorizationDetail, type OkapRequest } from '../lib/protocol';
import { defaultSettings } from '../lib/vault/settings';
import type { EventBus, VaultEvent } from './events';
import type { SqlKeyStore } from './stores/keys';
import { clientOf, type AccessRequest, type SqlRequestStore } from './stores/requests';
import { ruleMatches, type Rule, type SqlRuleStore } from './stores/rules';

const narrowing = z
  .object({
    models: z.array(z.string().max(200)).max(100).optional(),
    limits: limitsSchema.optional(),
    /** ISO date-time, or null for "never". */
    expires: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

/** The owner's approval: nothing (grant what was asked), one detail's changes, or one per detail. */
export const approveBody = z.union([z.object({ details: z.array(narrowing).min(1).max(10) }).strict(), narrowing]);

/** Where a request came from, as the transport saw it. */
export interface Requester {
  /** The browser's Origin header, when the request carried one. */
  browserOrigin?: string;
  /** The caller's address: part of "the same client" for repeated requests. */
  address: string;
}

export class AccessError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_input' | 'no_key',
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type Answer = { status: 'granted'; body: unknown } | { status: 'denied'; body: unknown } | { status: 'pending'; request: AccessRequest };

function labelOf(request: OkapRequest, who: Requester): { origin: string; originBound: boolean } {
  if (who.browserOrigin) return { origin: who.browserOrigin, originBound: true };
  try {
    if (request.client?.url) return { origin: new URL(request.client.url).origin, originBound: false };
  } catch {
    // Not a URL: fall through to the name.
  }
  return { origin: `app:${request.client?.name ?? 'unnamed'}`, originBound: false };
}

/**
 * The access flow over SQL, for both app transports and the owner API: a request is granted
 * at once by a matching rule, else waits for the owner; the owner's approval narrows it with
 * the extension's own rules (lib/approvals); the token is made when it is delivered.
 */
export function accessService(deps: {
  requests: SqlRequestStore;
  rules: SqlRuleStore;
  keys: SqlKeyStore;
  bus: EventBus;
  publicUrl: string;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const baseUrlFor = (provider: string) => `${deps.publicUrl}/v1/${provider}`;
  /**
   * What the extension's approval window is told, on the server: the default settings (so the
   * page's limits only tighten the defaults, lib/approvals/view.ts mergeLimits), no host hint
   * (the owner API names keys by provider) and no first-visit flag (the server keeps no visit history).
   */
  const viewContext = (hasKey: (provider: string) => boolean): ViewContext => ({
    settings: defaultSettings,
    hasKey,
    hostFor: () => undefined,
    seenBefore: () => true,
    now: now(),
  });

  async function requireKeys(request: OkapRequest): Promise<void> {
    const providers = await deps.keys.providers();
    const missing = request.authorization_details.find((d) => !providers.has(d.provider));
    if (missing) throw new AccessError('no_key', `Add a key for ${missing.provider} before approving.`, 409);
  }

  function ruleDetails(rule: Rule, request: OkapRequest): GrantedAuthorizationDetail[] {
    const expires = new Date(now() + rule.expires_in_days * 86_400_000).toISOString();
    return request.authorization_details.map((d) => {
      const asked = d.expires && Date.parse(d.expires) < Date.parse(expires) ? d.expires : expires;
      return {
        type: AI_MODEL_ACCESS,
        provider: d.provider,
        models: d.models && d.models.length > 0 ? d.models : (rule.models ?? []),
        capabilities: d.capabilities ?? [],
        limits: rule.limits,
        base_url: baseUrlFor(d.provider),
        expires: asked,
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
      };
    });
  }

  /** What the app gets for a decided request, or 'pending'. */
  async function answer(r: AccessRequest): Promise<Answer> {
    if (r.status === 'denied') return { status: 'denied', body: deniedResponse() };
    if (r.status === 'granted') {
      const granted = await deps.requests.deliver(r);
      if (granted) return { status: 'granted', body: granted };
      throw new AccessError('not_found', 'This request was already answered; its token was handed out once.', 410);
    }
    return { status: 'pending', request: r };
  }

  return {
    baseUrlFor,
    async request(request: OkapRequest, who: Requester): Promise<Answer> {
      const { origin, originBound } = labelOf(request, who);
      const clientKey = hashToken(JSON.stringify([who.address, who.browserOrigin ?? '', request]));
      const earlier = await deps.requests.sameAs(clientKey);
      if (earlier) return answer(earlier);
      const created = await deps.requests.create({ origin, originBound, clientKey, request });
      const rule = (await deps.rules.list()).find((r) => ruleMatches(r, request));
      const providers = await deps.keys.providers();
      if (rule && request.authorization_details.every((d) => providers.has(d.provider))) {
        const approved = await deps.requests.approve(created.id, (r) => ({
          origin: r.origin,
          originBound: r.originBound,
          client: clientOf(r),
          details: ruleDetails(rule, r.request),
        }));
        if (approved) {
          await deps.bus.publish({ type: 'decided', id: approved.id, status: 'granted' });
          return answer(approved);
        }
      }
      await deps.bus.publish({ type: 'request', id: created.id });
      return { status: 'pending', request: created };
    },
    /** Waits up to `ms` for the owner's decision, then answers as it stands. */
    async wait(id: string, ms: number, signal?: AbortSignal): Promise<Answer> {
      const deadline = now() + ms;
      for (;;) {
        const r = await deps.requests.get(id);
        if (!r) throw new AccessError('not_found', 'No such request.', 404);
        const left = deadline - now();
        if (r.status !== 'pending' || left <= 0 || signal?.aborted) return answer(r);
        // Woken by the decision's NOTIFY; re-read at least every 5 s in case one was missed.
        await deps.bus.next((e: VaultEvent): e is VaultEvent => e.type === 'decided' && e.id === id, Math.min(left, 5000), signal);
      }
    },
    async pending() {
      const providers = await deps.keys.providers();
      return (await deps.requests.pending()).map((r) => ({
        ...approvalView({ id: r.id, origin: r.origin, request: r.request, createdAt: r.createdAt }, viewContext((p) => providers.has(p))),
        // The view names an unnamed client by its origin's host, which a non-browser client lacks.
        client: clientOf(r),
        origin_bound: r.originBound,
      }));
    },
    async approve(id: string, body: z.infer<typeof approveBody>): Promise<void> {
      const r = await deps.requests.get(id);
      if (!r || r.status !== 'pending') throw new AccessError('not_found', 'That request is no longer waiting.', 404);
      await requireKeys(r.request);
      // What the extension's approval window would show, then the owner's changes on top.
      const view = approvalView({ id, origin: r.origin, request: r.request, createdAt: r.createdAt }, viewContext(() => true));
      const changes = 'details' in body ? body.details : [body];
      if (changes.length !== view.details.length && 'details' in body) {
        throw new AccessError('invalid_input', `details: give one entry per requested provider (${view.details.length})`, 400);
      }
      const decision: Decision = decisionSchema.parse({
        id,
        details: view.details.map((d, i) => {
          const c = changes[i] ?? {};
          return { models: c.models ?? d.models, limits: c.limits ?? d.limits, expires: c.expires === undefined ? d.expires : c.expires };
        }),
      });
      let details: GrantedAuthorizationDetail[];
      try {
        details = grantedDetails(r.request, decision, baseUrlFor, now());
      } catch (error) {
        if (error instanceof DecisionError) throw new AccessError('invalid_input', error.message, 400);
        throw error;
      }
      const approved = await deps.requests.approve(id, (p) => ({ origin: p.origin, originBound: p.originBound, client: clientOf(p), details }));
      if (!approved) throw new AccessError('not_found', 'That request is no longer waiting.', 404);
      await deps.bus.publish({ type: 'decided', id, status: 'granted' });
    },
    async deny(id: string): Promise<void> {
      const denied = await deps.requests.deny(id);
      if (!denied) throw new AccessError('not_found', 'That request is no longer waiting.', 404);
      await deps.bus.publish({ type: 'decided', id, status: 'denied' });
    },
  };
}
export type AccessService = ReturnType<typeof accessService>;
