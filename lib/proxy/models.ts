import type { GrantedAuthorizationDetail } from '../protocol';
import type { ProviderAdapter } from '../providers/types';
import { modelGranted } from './authorize';
import { ProxyError } from './errors';
import { passOnHeaders } from './response-headers';

/** Models lists are small; one far bigger than any provider's is not read. */
export const MAX_MODELS_LIST_BYTES = 8 * 1024 * 1024;

/** Whether a models-list answer must be rewritten: only a successful one, for a grant of some models. */
export function needsFiltering(detail: GrantedAuthorizationDetail, upstream: Response): boolean {
  return upstream.ok && (detail.models?.length ?? 0) > 0;
}

/**
 * The models list with every model the grant does not name removed. This one answer is read
 * whole (it is small); a list the vault cannot read is not passed on, since it would show the
 * app every model of the key.
 */
export async function filteredModelsResponse(
  upstream: Response,
  adapter: ProviderAdapter,
  detail: GrantedAuthorizationDetail,
): Promise<Response> {
  const declared = Number(upstream.headers.get('content-length') ?? '0');
  if (declared > MAX_MODELS_LIST_BYTES) {
    await upstream.body?.cancel().catch(() => undefined);
    throw new ProxyError('upstream_unreachable', 'The provider sent a models list too big to filter');
  }
  let json: unknown;
  try {
    const text = await upstream.text();
    if (text.length > MAX_MODELS_LIST_BYTES) throw new Error('too big');
    json = JSON.parse(text) as unknown;
  } catch {
    throw new ProxyError('upstream_unreachable', 'The provider sent a models list the vault cannot read');
  }
  const filtered = adapter.filterModels(json, (model) => modelGranted(detail, model, adapter.modelKey));
  const headers = passOnHeaders(upstream.headers, adapter);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(filtered), { status: upstream.status, statusText: upstream.statusText, headers });
}
