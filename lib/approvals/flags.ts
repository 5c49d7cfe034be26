import type { Limits } from '../protocol';
import { NEVER } from './decision';

/** Something about a request the person should notice before approving, said in words (not only colour). */
export interface RiskFlag {
  id: 'no_spend_limit' | 'never_expires' | 'all_models' | 'plain_http' | 'first_visit' | 'cross_origin_frame';
  text: string;
}

/** Loopback hosts: plain http there never crosses a network, so it is not flagged. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** A site served over plain http from somewhere other than this machine: anyone on the way can be it. */
export function isPlainHttpRemote(origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/** Flags about the requesting site, the same for every provider it asks for. */
export function siteFlags(site: { origin: string; firstVisit: boolean; crossOriginFrame?: boolean }): RiskFlag[] {
  const flags: RiskFlag[] = [];
  if (site.firstVisit) flags.push({ id: 'first_visit', text: 'First request from this site: you have never granted it anything.' });
  if (isPlainHttpRemote(site.origin)) {
    flags.push({ id: 'plain_http', text: 'Not secure: this site uses plain http, so anyone on the network could be it.' });
  }
  if (site.crossOriginFrame) {
    flags.push({ id: 'cross_origin_frame', text: 'Cross-origin frame: asked from inside another site’s page, not by the page you are looking at.' });
  }
  return flags;
}

/**
 * Flags about what one provider's grant would allow, computed from the values as they stand now (the
 * person's edits included), so clearing a spend limit raises the flag at once.
 */
export function grantFlags(grant: { requestedModels: string[]; limits: Limits; expires: string | null }): RiskFlag[] {
  const flags: RiskFlag[] = [];
  if (grant.limits.monthly_spend === undefined && grant.limits.daily_spend === undefined) {
    flags.push({ id: 'no_spend_limit', text: 'No spend limit: this site could spend without bound on your key.' });
  }
  if (grant.expires === null || grant.expires === NEVER) flags.push({ id: 'never_expires', text: 'Never expires: access lasts until you revoke it.' });
  if (grant.requestedModels.length === 0) flags.push({ id: 'all_models', text: 'All models: including the most expensive ones.' });
  return flags;
}
