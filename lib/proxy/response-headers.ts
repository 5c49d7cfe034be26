import type { ProviderAdapter } from '../providers/types';

/**
 * Upstream response headers that may not be passed on as they are: the runtime's fetch has
 * already decoded the body and will frame the new one itself. Those that name the key owner's
 * account, which is none of the app's business, each adapter lists (`privateResponseHeaders`).
 */
const DROPPED = [
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'set-cookie',
];

export function passOnHeaders(upstream: Headers, adapter: Pick<ProviderAdapter, 'privateResponseHeaders'>): Headers {
  const headers = new Headers(upstream);
  for (const name of [...DROPPED, ...(adapter.privateResponseHeaders ?? [])]) headers.delete(name);
  return headers;
}
