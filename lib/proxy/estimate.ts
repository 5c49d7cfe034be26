import { contextWindowOf, costOf, maxOutputTokensOf, type PriceOverride } from '../pricing';
import type { BodyFacts, ProviderAdapter, Route } from '../providers/types';
import type { ProviderKey } from './deps';
import type { CallBody } from './body';

/**
 * Input tokens from a request's own bytes: at most one per byte. Byte-fallback tokenizers can
 * spend a token on every byte of unusual text, and JSON's quotes, keys and escapes only add
 * bytes, so `bytes` bounds the text of a request from above (bytes / 3 or / 4 is a typical
 * count, not a bound).
 */
export const TOKENS_PER_BYTE = 1;

/**
 * Tokens a provider adds to every call beyond what the body spells out: the hidden system
 * prompts of tool use (Anthropic's is 346 tokens), message framing, structured-output
 * grammars. Generous on purpose.
 */
export const CALL_OVERHEAD_TOKENS = 4_096;

/**
 * An inline image costs a bounded number of tokens whatever its size in bytes (a tiny PNG can
 * be huge in pixels): providers scale images down before counting. The largest documented
 * count today is gpt-4o-mini at high detail, 2,833 + 5,667 per 512-px tile, 48,169 tokens for
 * a 768×2048 image; Claude scales images to ~1.15 megapixels (~1,600 tokens). Gemini counts
 * 258 tokens per tile with no documented cap, so its adapter treats inline media as unbounded.
 */
export const IMAGE_TOKEN_BOUND = 50_000;

/** Endpoints that only count tokens are free at every provider that offers one. */
const TOKEN_COUNT = /count_?tokens/i;

export interface EstimateInput {
  adapter: ProviderAdapter;
  key: ProviderKey;
  route: Route;
  body: CallBody;
  facts: BodyFacts;
  overrides: readonly PriceOverride[];
  now: number;
}

export interface Estimate {
  /** Upper bound of the call's cost in USD; undefined when no price is known for its model. */
  usd: number | undefined;
  /**
   * Why no bound exists, when none does: the proxy refuses such a call under a spend limit
   * (`cost_unbounded`). Without one it is reserved at the best estimate there is.
   */
  unbounded?: string;
}

/**
 * The tokens a call can read and write at most. Input: the body's bytes plus the fixed
 * overhead and a bound per inline image, never more than the model's context window (one
 * call cannot read more). A request that pulls context by reference, or carries media whose
 * bytes bound nothing, reads up to the full context window. Output: the request's own limit
 * per answer (else the model's maximum), times every answer it asks for.
 */
function tokenBound({ key, route, body, facts, now }: EstimateInput, model: string) {
  const window = contextWindowOf(key.kind, model, { baseUrl: key.baseUrl, at: new Date(now) });
  const fromBytes =
    (body.bytes?.byteLength ?? 0) * TOKENS_PER_BYTE + CALL_OVERHEAD_TOKENS + facts.images * IMAGE_TOKEN_BOUND;
  let inputTokens = window === undefined ? fromBytes : Math.min(fromBytes, window);
  let unbounded: string | undefined;
  if (facts.unboundedInput !== undefined) {
    if (window === undefined) unbounded = `the request reads ${facts.unboundedInput} and the context window of ${model} is unknown`;
    else inputTokens = window;
  }
  if (facts.hostedTools.length > 0) {
    unbounded ??= `hosted tools (${facts.hostedTools.join(', ')}) bill fees and loop on the provider's side with no bound`;
  }
  const perAnswer = facts.maxOutputPerAnswer ?? (route.capability === 'embeddings' ? 0 : maxOutputTokensOf(key.kind, model));
  const outputTokens = perAnswer * Math.max(1, facts.answers) + (facts.extraOutputTokens ?? 0);
  return { inputTokens, outputTokens, unbounded };
}

/**
 * Upper bound of a call's cost in USD, to reserve before forwarding. Input tokens are priced
 * at the dearer of the plain and the cache-write rate (a prompt written to the cache costs
 * more than one read plainly), so the bound holds whatever the provider reports as cached.
 * Free endpoints reserve 0.
 */
export function estimateCost(input: EstimateInput): Estimate {
  const { key, route, overrides, now } = input;
  if (route.kind !== 'call') return { usd: 0 };
  if (route.capability === 'moderation') return { usd: 0 };
  if (TOKEN_COUNT.test(route.upstreamPath.split('?')[0] ?? '')) return { usd: 0 };
  if (route.model === undefined) return { usd: undefined };
  const { inputTokens, outputTokens, unbounded } = tokenBound(input, route.model);
  const options = { baseUrl: key.baseUrl, at: new Date(now) };
  const plain = costOf(key.kind, route.model, { inputTokens, outputTokens }, overrides, options);
  const cached = costOf(key.kind, route.model, { inputTokens, outputTokens, cacheWriteTokens: inputTokens }, overrides, options);
  const usd = plain === undefined ? undefined : Math.max(plain, cached ?? 0);
  return unbounded === undefined ? { usd } : { usd, unbounded };
}
