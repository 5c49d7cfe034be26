import type { Limits, OkapClient } from '../protocol';
import type { Settings } from '../vault/settings';
import type { PendingApproval } from './queue';

/** One requested provider as the approval window shows it, prefilled with what will be granted unless the person edits it. */
export interface DetailView {
  provider: string;
  hasKey: boolean;
  /** Requested models, each a checkbox; empty means every model of the provider. */
  models: string[];
  capabilities: string[];
  limits: Limits;
  /** ISO date-time, or null for "never" (only by an explicit choice). */
  expires: string | null;
  reason?: string;
}

export interface ApprovalView {
  id: string;
  origin: string;
  client: OkapClient;
  /** The app says it is somewhere other than where the browser says the request came from. */
  clientUrlMismatch: boolean;
  details: DetailView[];
  createdAt: number;
}

function sameOrigin(url: string | undefined, origin: string): boolean {
  if (!url) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

export function approvalView(
  pending: PendingApproval,
  settings: Settings,
  hasKey: (provider: string) => boolean,
  now: number,
): ApprovalView {
  const client = pending.request.client ?? { name: new URL(pending.origin).host };
  return {
    id: pending.id,
    origin: pending.origin,
    client,
    clientUrlMismatch: !sameOrigin(client.url, pending.origin),
    createdAt: pending.createdAt,
    details: pending.request.authorization_details.map((detail) => ({
      provider: detail.provider,
      hasKey: hasKey(detail.provider),
      models: detail.models ?? [],
      capabilities: detail.capabilities ?? [],
      limits: detail.limits && Object.keys(detail.limits).length > 0 ? detail.limits : settings.defaultLimits,
      expires: detail.expires ?? new Date(now + settings.defaultExpiryDays * 86_400_000).toISOString(),
      reason: detail.reason,
    })),
  };
}
