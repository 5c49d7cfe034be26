import { PROVIDER_ID_PATTERN } from '../protocol';
import { FALLBACK_KIND, likelyKind } from '../providers/kinds';
import { adapterFor } from '../providers/registry';
import type { ProviderAdapter } from '../providers/types';
import { ProxyError } from './errors';

/** Where a virtual URL points: `…/v1/<provider><path>?<search>`. */
export interface Target {
  url: URL;
  /** OKAP provider id; the grant's detail for it decides what the call may do. */
  providerId: string;
  /** What follows `/v1/<provider>`, e.g. `/chat/completions`; '' when nothing does. */
  path: string;
}

/**
 * Reads the provider and the adapter path from a virtual URL: `https://okap.invalid/v1/openai/…`
 * in local mode, `https://vault.example.com[/prefix]/v1/openai/…` in relay mode. Everything up to
 * and including the first `/v1/<provider>` is dropped. The URL parser has already resolved
 * dot segments, so what is left is exactly what the adapter will match.
 */
export function parseTarget(rawUrl: string): Target {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new ProxyError('endpoint_not_covered');
  }
  const match = /\/v1\/([^/]+)(\/.*)?$/.exec(url.pathname);
  const providerId = match?.[1];
  if (providerId === undefined || !PROVIDER_ID_PATTERN.test(providerId)) throw new ProxyError('endpoint_not_covered');
  return { url, providerId, path: match?.[2] ?? '' };
}

/**
 * The adapter a provider id most likely uses, for reading the token and shaping errors before
 * the key (whose kind decides) is known: the standard kinds by name, anything else OpenAI's.
 */
export function likelyAdapter(providerId?: string): ProviderAdapter {
  return adapterFor(providerId === undefined ? FALLBACK_KIND : likelyKind(providerId));
}
