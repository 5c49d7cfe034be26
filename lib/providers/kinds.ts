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
