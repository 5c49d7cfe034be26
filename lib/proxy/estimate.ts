import { costOf, maxOutputTokensOf, type PriceOverride } from '../pricing';
import type { ProviderAdapter, Route } from '../providers/types';
import type { ProviderKey } from './deps';
import type { CallBody } from './body';

/**
 * A token is rarely shorter than 3 bytes of a JSON request (English runs near 4 characters a
 * token, and JSON adds quotes and keys), so bytes / 3 bounds the prompt from above for text.
 * Media inside the body (base64 images, audio uploads) is over-counted; that only holds back
 * calls near a budget's edge, and settling replaces the estimate with the real cost.
 */
export const BYTES_PER_TOKEN = 3;

/** Endpoints that only count tokens are free at every provider that offers one. */
const TOKEN_COUNT = /count_?tokens/i;

export interface EstimateInput {
  adapter: ProviderAdapter;
  key: ProviderKey;
  route: Route;
  body: CallBody;
  overrides: readonly PriceOverride[];
  now: number;
}

/**
 * Upper bound of a call's cost in USD, to reserve before forwarding; undefined when no price
 * is known for its model. Input: the body size as above. Output: the request's own limit
 * (`max_tokens` and kin, times `n`), else the model's maximum output; embeddings produce none.
 */
export function estimateCost({ adapter, key, route, body, overrides, now }: EstimateInput): number | undefined {
  if (route.kind !== 'call') return 0;
  if (route.capability === 'moderation') return 0;
  if (TOKEN_COUNT.test(route.upstreamPath.split('?')[0] ?? '')) return 0;
  if (route.model === undefined) return undefined;
  const inputTokens = Math.ceil((body.bytes?.byteLength ?? 0) / BYTES_PER_TOKEN);
  const outputTokens =
    adapter.maxOutputTokens(body.json) ??
    (route.capability === 'embeddings' ? 0 : maxOutputTokensOf(key.kind, route.model));
  return costOf(key.kind, route.model, { inputTokens, outputTokens }, overrides, {
    baseUrl: key.baseUrl,
    at: new Date(now),
  });
}
