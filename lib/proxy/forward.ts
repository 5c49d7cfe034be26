import type { GrantedAuthorizationDetail } from '../protocol';
import type { ProviderAdapter, Route } from '../providers/types';
import type { ProxyDeps } from './deps';
import { ProxyError } from './errors';
import { meterBody } from './meter';
import { filteredModelsResponse, needsFiltering } from './models';
import { passOnHeaders } from './response-headers';
import type { CallOutcome } from './settle';

/** Statuses whose Response may not have a body. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

export interface Forwarding {
  request: Request;
  adapter: ProviderAdapter;
  route: Route;
  detail: GrantedAuthorizationDetail;
  /** Full upstream URL: the key's base URL and the route's upstream path. */
  url: string;
  secret: string;
  body: Uint8Array<ArrayBuffer> | undefined;
  /** The body is JSON (whatever content-type the app gave it). */
  json: boolean;
  /** Aborts when the grant is revoked. */
  revoked: AbortSignal | undefined;
  /** Settles the call; safe to call more than once. */
  finish(outcome: CallOutcome): void;
}

/**
 * Sends the call upstream with the real key and hands the answer back as it streams, metered
 * on the way. Settles the call on every path: here when it fails before an answer, in the
 * meter when the answer's body ends however it ends.
 */
export async function forward(f: Forwarding, deps: ProxyDeps): Promise<Response> {
  const clientSignal = f.request.signal;
  const signal = f.revoked ? AbortSignal.any([clientSignal, f.revoked]) : clientSignal;
  if (signal.aborted) {
    // Nothing was sent, so nothing is billed.
    f.finish({ status: f.revoked?.aborted ? 'cut' : 'aborted', billable: false });
    throw new ProxyError(f.revoked?.aborted ? 'token_revoked' : 'invalid_request', f.revoked?.aborted ? undefined : 'The request was aborted');
  }

  const headers = f.adapter.upstreamHeaders(f.request.headers, f.secret);
  // A bare fetch labels a JSON string text/plain; the provider is told what the vault read.
  if (f.json && !(headers.get('content-type') ?? '').includes('json')) headers.set('content-type', 'application/json');
  // Called unbound: a browser's fetch throws "Illegal invocation" when `this` is not the global.
  const send = deps.fetch;
  let upstream: Response;
  try {
    upstream = await send(f.url, {
      method: f.request.method,
      headers,
      body: f.body,
      signal,
      // A redirect would carry the key's header to wherever it points.
      redirect: 'error',
    });
  } catch {
    if (f.revoked?.aborted) {
      f.finish({ status: 'cut', billable: true });
      throw new ProxyError('token_revoked');
    }
    if (clientSignal.aborted) {
      f.finish({ status: 'aborted', billable: true });
      throw new ProxyError('invalid_request', 'The request was aborted');
    }
    f.finish({ status: 'unreachable', billable: false });
    throw new ProxyError('upstream_unreachable');
  }
  const headersAt = deps.now();

  if (f.route.kind === 'models-list' && needsFiltering(f.detail, upstream)) {
    try {
      const filtered = await filteredModelsResponse(upstream, f.adapter, f.detail);
      f.finish({ status: upstream.status, billable: true, firstByteAt: headersAt });
      return filtered;
    } catch (error) {
      f.finish({ status: 502, billable: false, firstByteAt: headersAt });
      throw error;
    }
  }

  const init: ResponseInit = { status: upstream.status, statusText: upstream.statusText, headers: passOnHeaders(upstream.headers, f.adapter) };
  if (NO_BODY.has(upstream.status)) {
    await upstream.body?.cancel().catch(() => undefined);
    f.finish({ status: upstream.status, billable: upstream.ok, firstByteAt: headersAt });
    return new Response(null, init);
  }
  const body = meterBody(
    upstream,
    { adapter: f.adapter, now: () => deps.now(), signal, clientSignal, onError: (e) => deps.onError?.(e) },
    (o) =>
      f.finish({
        status: o.end === 'complete' ? upstream.status : o.end,
        ...(o.usage ? { usage: o.usage } : {}),
        final: o.final,
        billable: upstream.ok,
        firstByteAt: o.firstByteAt ?? (o.end === 'complete' ? headersAt : undefined),
      }),
  );
  return new Response(body, init);
}
