import type { KeyKind } from './kinds';

// Which OKAP provider id (spec §3.5) a key serves: provider knowledge, so it lives with the adapters,
// not in the vault that stores keys.

/** Well-known OpenAI-compatible hosts, so their keys answer requests for the spec's provider ids. */
const KNOWN_COMPATIBLE_HOSTS: Record<string, string> = {
  'api.groq.com': 'groq',
  'api.mistral.ai': 'mistral',
  'api.together.xyz': 'together',
  'api.together.ai': 'together',
  'openrouter.ai': 'openrouter',
  'api.cohere.ai': 'cohere',
  'api.deepseek.com': 'deepseek',
  'api.x.ai': 'xai',
};

/** Which OKAP provider id a key serves: its kind, or for an OpenAI-compatible key, its host's. */
export function providerIdFor(kind: KeyKind, baseUrl: string, explicit?: string): string {
  if (explicit) return explicit;
  if (kind !== 'openai-compatible') return kind;
  const url = new URL(baseUrl);
  const known = KNOWN_COMPATIBLE_HOSTS[url.hostname];
  if (known) return known;
  if (url.port === '11434') return 'ollama';
  if (url.port === '1234') return 'lmstudio';
  return url.hostname.replace(/^api\./, '').split('.')[0]!.toLowerCase().replace(/[^a-z0-9._-]/g, '') || 'compatible';
}
