import type { Limits, OkapClient } from '../protocol';
import type { Settings } from '../vault/settings';
import type { PendingApproval } from './queue';

/** One requested provider as the approval window shows it, prefilled with what will be granted unless the person edits it. */
export interface DetailView {
  provider: string;
  hasKey: boolean;
  /**
   * The host calls for this provider would reach, for a provider id the wallet does not know by name
   * (the id is the page's word; the host is what the person's key decides). Undefined for known
   * providers; null when no key serves the id yet.
   */
  reaches?: string | null;
  /** Requested models, each a checkbox; empty means every model of the provider. */
  models: string[];
  capabilities: string[];
  limits: Limits;
  /** ISO date-time, or null for "never" (only by an explicit choice). */
  expires: string | null;
  /** Written by the page: shown fenced and labelled as the site's words. */
  reason?: string;
}

export interface ApprovalView {
  id: string;
  origin: string;
  client: OkapClient;
  /** The page named itself (else `client` is the wallet's stand-in: the host). */
  clientNamed: boolean;
  /** The app says it is somewhere other than where the browser says the request came from. */
  clientUrlMismatch: boolean;
  /** No grant, live or past, was ever issued to this origin. */
  firstVisit: boolean;
  /** Asked from a frame whose origin differs from the page it is embedded in. */
  crossOriginFrame: boolean;
  details: DetailView[];
  createdAt: number;
}

/** What the view needs to know about the person's keys and history, beyond the request itself. */
export interface ViewContext {
  settings: Settings;
  hasKey: (provider: string) => boolean;
  /** For provider ids the wallet does not know by name: the host its key reaches, or null without a key. */
  hostFor: (provider: string) => string | null | undefined;
  seenBefore: (origin: string) => boolean;
  now: number;
}

function sameOrigin(url: string | undefined, origin: string): boolean {
  if (!url) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

const LIMIT_KEYS = ['monthly_spend', 'daily_spend', 'requests_per_minute', 'requests_per_day'] as const;

/**
 * The person's defaults with the page's limits laid over them, where the page's are tighter. A page may
 * only tighten: a limit it does not name keeps the default, and one looser than the default is ignored.
 */
export function mergeLimits(defaults: Limits, asked: Limits | undefined): Limits {
  const merged: Limits = {};
  for (const key of LIMIT_KEYS) {
    const mine = defaults[key];
    const theirs = asked?.[key];
    const value = mine === undefined ? theirs : theirs === undefined ? mine : Math.min(mine, theirs);
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** The page's expiry if it is sooner than the person's default, else the default. */
export function prefillExpiry(asked: string | undefined, defaultDays: number, now: number): string {
  const byDefault = now + defaultDays * 86_400_000;
  const wanted = asked === undefined ? byDefault : Date.parse(asked);
  return new Date(Number.isFinite(wanted) ? Math.min(wanted, byDefault) : byDefault).toISOString();
}

export function approvalView(pending: PendingApproval, context: ViewContext): ApprovalView {
  const { settings, now } = context;
  const client = pending.request.client ?? { name: new URL(pending.origin).host };
  return {
    id: pending.id,
    origin: pending.origin,
    client,
    clientNamed: pending.request.client !== undefined,
    clientUrlMismatch: !sameOrigin(client.url, pending.origin),
    firstVisit: !context.seenBefore(pending.origin),
    crossOriginFrame: pending.context?.crossOriginFrame === true,
    createdAt: pending.createdAt,
    details: pending.request.authorization_details.map((detail) => {
      const view: DetailView = {
        provider: detail.provider,
        hasKey: context.hasKey(detail.provider),
        models: detail.models ?? [],
        capabilities: detail.capabilities ?? [],
        limits: mergeLimits(settings.defaultLimits, detail.limits),
        expires: prefillExpiry(detail.expires, settings.defaultExpiryDays, now),
        reason: detail.reason,
      };
      const reaches = context.hostFor(detail.provider);
      if (reaches !== undefined) view.reaches = reaches;
      return view;
    }),
  };
}
