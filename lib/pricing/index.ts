/**
 * The cost of one call in USD, from the provider, the model and the usage it reported.
 *
 * Prices come from `@pydantic/genai-prices`, whose package carries a snapshot of its price
 * data. The vault uses that snapshot only: `updatePrices` (the package's opt-in refresh from
 * GitHub) is never called, so nothing is fetched at run time and a price changes only with a
 * package update. User overrides come first, for models the snapshot lacks or prices it has
 * wrong (and for OpenAI-compatible servers whose prices it cannot know).
 *
 * Usage convention (all adapters): `inputTokens` is the whole prompt, cache reads and writes
 * included; `outputTokens` includes reasoning. genai-prices counts the same way.
 */
import { calcPrice, findProvider, type Provider } from '@pydantic/genai-prices';
import type { Usage } from '../providers/types';

export { maxOutputTokensOf, DEFAULT_MAX_OUTPUT_TOKENS } from './max-output';

/** A user's own price for a model, in USD per million tokens. */
export interface PriceOverride {
  /** Adapter id the override applies to: `openai`, `anthropic`, `google`, `openai-compatible`, … */
  provider: string;
  /** An exact model id, or a prefix ending in `*` (`gpt-4o*`); the longest match wins. */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Defaults to the input price. */
  cacheReadPerMTok?: number;
  /** Defaults to the input price. */
  cacheWritePerMTok?: number;
}

export interface CostOptions {
  /**
   * The key's base URL. For `openai-compatible` keys it is the only way to know whose prices
   * apply (Groq, Together, OpenRouter, … are recognised by host); without it, or for an
   * unrecognised host such as a local server, the price is unknown.
   */
  baseUrl?: string;
  /** When the call happened; some prices depend on the date or time of day. Default: now. */
  at?: Date;
}

/** Adapter ids that are not genai-prices provider ids. */
const COMPATIBLE = 'openai-compatible';

/**
 * The cost in USD, or undefined when no price is known (the caller then treats the call as
 * `price_unknown`, never as free).
 */
export function costOf(
  provider: string,
  model: string,
  usage: Usage,
  overrides?: readonly PriceOverride[],
  options: CostOptions = {},
): number | undefined {
  const tokens = normalise(usage);
  if (!tokens) return undefined;

  const override = overrides ? findOverride(overrides, provider, model) : undefined;
  if (override) return overrideCost(override, tokens);

  const source = priceSource(provider, options.baseUrl);
  if (!source) return undefined;
  try {
    const result = calcPrice(
      {
        input_tokens: tokens.input,
        output_tokens: tokens.output,
        ...(tokens.cacheRead > 0 ? { cache_read_tokens: tokens.cacheRead } : {}),
        ...(tokens.cacheWrite > 0 ? { cache_write_tokens: tokens.cacheWrite } : {}),
      },
      model,
      { provider: source, ...(options.at ? { timestamp: options.at } : {}) },
    );
    const total = result?.total_price;
    return typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : undefined;
  } catch {
    // genai-prices throws on usage it cannot price (e.g. a model whose price needs a unit we
    // do not report); that is an unknown price, not a failed call.
    return undefined;
  }
}

/**
 * The model's context window in tokens, from genai-prices' model data; undefined when the
 * package does not know it (a user's override adds a price, never a window). A single model
 * call cannot read more input than this, whatever the request pulls in by reference.
 */
export function contextWindowOf(provider: string, model: string, options: CostOptions = {}): number | undefined {
  const source = priceSource(provider, options.baseUrl);
  if (!source) return undefined;
  try {
    const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, {
      provider: source,
      ...(options.at ? { timestamp: options.at } : {}),
    });
    const window = result?.model.context_window;
    return typeof window === 'number' && Number.isInteger(window) && window > 0 ? window : undefined;
  } catch {
    return undefined;
  }
}

interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * Usage checked and made consistent: the cache parts cannot exceed the prompt they are part
 * of (a provider bug or a hostile upstream must not make a call cheaper or throw).
 */
function normalise(usage: Usage): Tokens | undefined {
  const ok = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n) && n >= 0;
  if (!ok(usage.inputTokens) || !ok(usage.outputTokens)) return undefined;
  const cacheRead = ok(usage.cacheReadTokens) ? usage.cacheReadTokens : 0;
  const cacheWrite = ok(usage.cacheWriteTokens) ? usage.cacheWriteTokens : 0;
  const input = Math.max(usage.inputTokens, cacheRead + cacheWrite);
  return { input, output: usage.outputTokens, cacheRead, cacheWrite };
}

function findOverride(overrides: readonly PriceOverride[], provider: string, model: string): PriceOverride | undefined {
  const wanted = model.toLowerCase();
  let best: PriceOverride | undefined;
  let bestLength = -1;
  for (const o of overrides) {
    if (o.provider !== provider) continue;
    const pattern = o.model.toLowerCase();
    if (pattern === wanted) return o;
    if (pattern.endsWith('*')) {
      const prefix = pattern.slice(0, -1);
      if (wanted.startsWith(prefix) && prefix.length > bestLength) {
        best = o;
        bestLength = prefix.length;
      }
    }
  }
  return best;
}

function overrideCost(o: PriceOverride, t: Tokens): number | undefined {
  const rates = [o.inputPerMTok, o.outputPerMTok, o.cacheReadPerMTok ?? 0, o.cacheWritePerMTok ?? 0];
  if (!rates.every((r) => Number.isFinite(r) && r >= 0)) return undefined;
  const uncached = t.input - t.cacheRead - t.cacheWrite;
  const micro =
    uncached * o.inputPerMTok +
    t.cacheRead * (o.cacheReadPerMTok ?? o.inputPerMTok) +
    t.cacheWrite * (o.cacheWritePerMTok ?? o.inputPerMTok) +
    t.output * o.outputPerMTok;
  return micro / 1_000_000;
}

/**
 * The genai-prices provider whose prices apply. Looked up by exact id, never by the
 * package's fuzzy `provider_match` (which would take `openai-compatible` for OpenAI).
 */
function priceSource(provider: string, baseUrl: string | undefined): Provider | undefined {
  if (provider === COMPATIBLE) {
    if (!baseUrl) return undefined;
    return findProvider({ providerApiUrl: baseUrl });
  }
  const found = findProvider({ providerId: provider });
  return found?.id === provider ? found : undefined;
}
