import { findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { newKeySchema } from '../vault/keys';
import { PROVIDER_PRESETS } from './presets';

describe('provider presets', () => {
  it('each makes a valid OpenAI-compatible key with its own provider id', () => {
    for (const preset of PROVIDER_PRESETS) {
      const key = newKeySchema.parse({ kind: 'openai-compatible', providerId: preset.providerId, label: preset.name, secret: 'sk-test-0123456789abcdef', baseUrl: preset.baseUrl });
      expect(key.providerId).toBe(preset.providerId);
    }
    expect(new Set(PROVIDER_PRESETS.map((p) => p.providerId)).size).toBe(PROVIDER_PRESETS.length);
  });

  it('the hosted ones are providers the price list knows', () => {
    for (const preset of PROVIDER_PRESETS.filter((p) => !p.baseUrl.startsWith('http://localhost'))) {
      expect(findProvider({ providerId: preset.providerId }), preset.name).toBeTruthy();
    }
  });
});
