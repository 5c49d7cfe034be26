import type { ProviderAdapter } from '../providers/types';

export interface KeyCheckResult {
  result: 'ok' | 'invalid_key' | 'unreachable' | 'error';
  message: string;
  status?: number;
}

/** Asks the provider's model list whether a key works. The key goes only to its own base URL. */
export async function checkKey(
  adapter: ProviderAdapter,
  baseUrl: string,
  key: string,
  fetcher: typeof fetch,
  timeoutMs = 10_000,
): Promise<KeyCheckResult> {
  let response: Response;
  try {
    // A redirect would carry the key to another host (x-api-key and x-goog-api-key survive redirects).
    response = await fetcher(adapter.keyCheckRequest(baseUrl, key), { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch {
    return { result: 'unreachable', message: `Could not reach ${baseUrl || adapter.defaultBaseUrl}.` };
  }
  // Some providers refuse a bad key with another status (the adapter says how it looks), so the body is read then.
  const refused = !response.ok && response.status !== 401 && response.status !== 403 && adapter.invalidKey;
  const text = refused ? await response.text().catch(() => '') : (await response.body?.cancel(), '');
  if (response.ok) return { result: 'ok', message: 'OK: the provider accepted this key.', status: response.status };
  if (response.status === 401 || response.status === 403 || adapter.invalidKey?.(response.status, text)) {
    return { result: 'invalid_key', message: 'Invalid key: the provider refused it.', status: response.status };
  }
  return { result: 'error', message: `The provider answered ${response.status}.`, status: response.status };
}
