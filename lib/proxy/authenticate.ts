import type { Grant, GrantLookup } from '../grants/types';
import { isOkapToken } from '../protocol';
import type { GrantedAuthorizationDetail } from '../protocol';
import { keyKinds } from '../providers/kinds';
import { adapterFor } from '../providers/registry';
import type { ProviderAdapter } from '../providers/types';
import { ProxyError } from './errors';
import type { ProxyContext } from './deps';
import type { Target } from './target';

export interface PresentedToken {
  token: string | undefined;
  /**
   * It came in the query (`?key=`), which only an adapter with `tokenInQuery` (Google's)
   * accepts: the proxy refuses it once the key's adapter is known to be another.
   */
  fromQuery: boolean;
}

/**
 * The token, from whichever header the caller's SDK put it in, else from Gemini's `?key=`.
 * The likely adapter's places are read first; the others too, because the key that serves a
 * custom provider id may speak another wire format than its name suggests.
 */
export function readToken(request: Request, url: URL, likely: ProviderAdapter): PresentedToken {
  const readers = [likely, ...keyKinds.map(adapterFor).filter((a) => a !== likely)];
  for (const adapter of readers) {
    const token = adapter.readToken(request.headers, url);
    if (token !== undefined) return { token, fromQuery: false };
  }
  for (const adapter of readers) {
    if (!adapter.tokenInQuery) continue;
    const token = adapter.readToken(request.headers, url, true);
    if (token !== undefined) return { token, fromQuery: true };
  }
  return { token: undefined, fromQuery: false };
}

export async function findGrant(token: string | undefined, grants: GrantLookup): Promise<Grant> {
  // Anything not shaped like this vault's tokens (a provider key pasted by mistake, say) is
  // refused without a lookup.
  if (token === undefined || !isOkapToken(token)) throw new ProxyError('token_invalid');
  const grant = await grants.findByToken(token);
  if (!grant) throw new ProxyError('token_invalid');
  return grant;
}

/**
 * The grant's detail for the provider, if the grant may be used now from here. Revocation is
 * checked first: a revoked token says so even when it has also expired. A pause comes after both:
 * resuming cannot bring back a token that is gone.
 */
export function liveDetail(grant: Grant, target: Target, ctx: ProxyContext, now: number): GrantedAuthorizationDetail {
  if (grant.revokedAt > 0) throw new ProxyError('token_revoked');
  if (grant.expiresAt <= now) throw new ProxyError('token_expired');
  if (grant.pausedAt) throw new ProxyError('token_paused');
  if (ctx.origin !== undefined && ctx.origin !== grant.origin) throw new ProxyError('origin_mismatch');
  const detail = grant.details.find((d) => d.provider === target.providerId);
  if (!detail) throw new ProxyError('provider_not_granted');
  const expires = Date.parse(detail.expires);
  if (!(expires > now)) throw new ProxyError('token_expired');
  return detail;
}
