/**
 * OpenAI-compatible providers people use, for "Add a key": each fills in the Base URL and the OKAP
 * provider id apps ask for. Every id but the two local servers' is a provider id `@pydantic/genai-prices`
 * knows (xAI's there is `x-ai`, and `xai` is its alias), so their models are priced; Ollama and
 * LM Studio run on the person's machine and cost nothing the wallet could know.
 */
export interface ProviderPreset {
  name: string;
  providerId: string;
  baseUrl: string;
}

export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  { name: 'Groq', providerId: 'groq', baseUrl: 'https://api.groq.com/openai/v1' },
  { name: 'Mistral', providerId: 'mistral', baseUrl: 'https://api.mistral.ai/v1' },
  { name: 'OpenRouter', providerId: 'openrouter', baseUrl: 'https://openrouter.ai/api/v1' },
  { name: 'Together', providerId: 'together', baseUrl: 'https://api.together.xyz/v1' },
  { name: 'DeepSeek', providerId: 'deepseek', baseUrl: 'https://api.deepseek.com/v1' },
  { name: 'xAI', providerId: 'xai', baseUrl: 'https://api.x.ai/v1' },
  { name: 'Fireworks', providerId: 'fireworks', baseUrl: 'https://api.fireworks.ai/inference/v1' },
  { name: 'Perplexity', providerId: 'perplexity', baseUrl: 'https://api.perplexity.ai' },
  { name: 'Ollama', providerId: 'ollama', baseUrl: 'http://localhost:11434/v1' },
  { name: 'LM Studio', providerId: 'lmstudio', baseUrl: 'http://localhost:1234/v1' },
];
