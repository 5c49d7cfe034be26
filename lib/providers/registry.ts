import type { ProviderAdapter } from './types';
import type { KeyKind } from './kinds';
import { openai, openaiCompatible } from './openai';
import { anthropic } from './anthropic';
import { google } from './google';

const adapters: Record<KeyKind, ProviderAdapter> = {
  openai,
  anthropic,
  google,
  'openai-compatible': openaiCompatible,
};

export function adapterFor(kind: KeyKind): ProviderAdapter {
  return adapters[kind];
}
