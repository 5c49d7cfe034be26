/** The kinds of key a user can add; each names the adapter that speaks its wire format. */
export const keyKinds = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;
export type KeyKind = (typeof keyKinds)[number];

/** Human names for the key form's "Provider" combobox. */
export const keyKindNames: Record<KeyKind, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  'openai-compatible': 'OpenAI-compatible',
};

/** The kind that speaks to any OpenAI-compatible server: one kind, many OKAP provider ids (from the host). */
export const COMPATIBLE_KIND = 'openai-compatible' satisfies KeyKind;

/** Whether keys of `kind` need a Base URL of their own: only the compatible kind has no public default. */
export const needsBaseUrl = (kind: string): boolean => kind === COMPATIBLE_KIND;
export const BASE_URL_REQUIRED = 'An OpenAI-compatible key needs a Base URL';

/** The shape errors take before any provider is known: OpenAI's, the one most SDKs speak. */
export const FALLBACK_KIND: KeyKind = 'openai';

/** The kind a provider id most likely is before a key says: a standard kind by name, any other id a compatible server's. */
export function likelyKind(providerId: string): KeyKind {
  return (keyKinds as readonly string[]).includes(providerId) ? (providerId as KeyKind) : COMPATIBLE_KIND;
}
