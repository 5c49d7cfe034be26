/**
 * The most output tokens a model can produce in one answer, used to reserve spend for a call
 * that names no `max_tokens` of its own. genai-prices knows context windows but not output
 * limits, so this is a small table of the providers' documented limits, by model-id prefix.
 */

/**
 * For models the table does not know. It is at least the documented limit of most current
 * models, so a reservation errs on the high side; settling replaces the reservation with the
 * real cost, so a high guess only holds back calls that come close to a budget's edge.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 65_536;

/** Prefix → limit. The longest matching prefix wins (`gpt-4o-mini` before `gpt-4o` before `gpt-4`). */
const LIMITS: ReadonlyArray<readonly [string, number]> = [
  // OpenAI
  ['gpt-5', 128_000],
  ['gpt-5-chat', 16_384],
  ['gpt-4.1', 32_768],
  ['gpt-4.5', 16_384],
  ['gpt-4o', 16_384],
  ['chatgpt-4o', 16_384],
  ['gpt-4-turbo', 4_096],
  ['gpt-4-1106', 4_096],
  ['gpt-4-0125', 4_096],
  ['gpt-4', 8_192],
  ['gpt-3.5-turbo', 4_096],
  ['o1', 100_000],
  ['o1-mini', 65_536],
  ['o1-preview', 32_768],
  ['o3', 100_000],
  ['o4-mini', 100_000],
  // Anthropic (the API requires max_tokens, so these matter only for estimates)
  ['claude-opus-4-5', 64_000],
  ['claude-opus-4', 32_000],
  ['claude-sonnet-4', 64_000],
  ['claude-haiku-4', 64_000],
  ['claude-3-7-sonnet', 64_000],
  ['claude-3-5-sonnet', 8_192],
  ['claude-3-5-haiku', 8_192],
  ['claude-3', 4_096],
  // Google
  ['gemini-3', 65_536],
  ['gemini-2.5', 65_536],
  ['gemini-2.0', 8_192],
  ['gemini-1.5', 8_192],
];

/**
 * The model's output limit, or DEFAULT_MAX_OUTPUT_TOKENS. The provider is accepted for the
 * future but not needed today: the families' prefixes do not overlap, and an
 * OpenAI-compatible gateway's `vendor/model` ids are looked up by their model part.
 */
export function maxOutputTokensOf(_provider: string, model: string): number {
  const id = model.toLowerCase().replace(/^models\//, '').replace(/^.*\//, '');
  let best: number | undefined;
  let bestLength = -1;
  for (const [prefix, limit] of LIMITS) {
    if (id.startsWith(prefix) && prefix.length > bestLength) {
      best = limit;
      bestLength = prefix.length;
    }
  }
  return best ?? DEFAULT_MAX_OUTPUT_TOKENS;
}
