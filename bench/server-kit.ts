// Shared set-up of the server benches: an aimock upstream and vault processes started as `npm run vault` does.
import { LLMock } from '@copilotkit/aimock';
import { baseUrlOf, grantAccess, startVault, tempDir, type VaultProcess } from '../server/test/harness';

export const KEY = 'sk-bench-upstream-key-000000000000';

export async function benchUpstream(): Promise<LLMock> {
  const upstream = new LLMock({ port: 0, host: '127.0.0.1' });
  upstream.onMessage('hello', { content: 'Hi there', usage: { prompt_tokens: 5, completion_tokens: 3 } } as never);
  await upstream.start();
  return upstream;
}

/** A vault with an OpenAI key on the upstream and a token whose grant has spend and per-day limits (so every call is admitted and metered). */
export async function benchVault(
  upstreamUrl: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<{ vault: VaultProcess; token: string; base: string }> {
  const vault = await startVault({ OKAP_DATA_DIR: tempDir('bench'), ...env }, { nodeArgs });
  await vault.owner('/owner/keys', { method: 'POST', json: { provider: 'openai', secret: KEY, base_url: `${upstreamUrl}/v1` } });
  const g = await grantAccess(vault, { provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'bench' } }, { limits: { monthly_spend: 100_000, requests_per_day: 10_000_000 } });
  return { vault, token: g.token, base: baseUrlOf(g, 'openai') };
}

export const chatBody = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] });
