// The latency the proxy's request-side stages add to a 1 MB chat request: body read and parse,
// routing, the body checks against the grant (hosted tools, modalities, nested models, media)
// and the reservation bound, admission and settlement. The upstream is a fetch that answers at
// once (no network), so what is timed is the vault's own work per call.
// Run: npx tsx bench/body-checks.ts
// Before/after: run it on the commit before the checks too (the script uses only `handle` and
// the in-memory stores, which both have):
//   git checkout 000751b -- lib && npx tsx bench/body-checks.ts; git checkout HEAD -- lib
import { createLimitLedger } from '../lib/limits/ledger';
import { memoryCounterStore } from '../lib/limits/memory-store';
import { handle } from '../lib/proxy';
import type { ProxyDeps } from '../lib/proxy';
import { memoryUsageSink } from '../lib/usage/memory';
import { median, percentile } from './stats';

const RUNS = Number(process.env.RUNS ?? 300);
const TOKEN = `okap_${'b'.repeat(43)}`;
const now = Date.parse('2026-03-10T12:00:00Z');

// A long conversation: 256 turns of 4 KiB, about 1 MB of JSON.
const turn = 'The quick brown fox jumps over the lazy dog, again and again. '.repeat(66).slice(0, 4096);
const body = JSON.stringify({
  model: 'gpt-4o',
  max_tokens: 1000,
  messages: Array.from({ length: 256 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: turn })),
});

const answer = JSON.stringify({ id: 'c1', object: 'chat.completion', choices: [], usage: { prompt_tokens: 250_000, completion_tokens: 10 } });
const deps: ProxyDeps = {
  grants: {
    findByToken: async () => ({
      id: 'grant-1',
      origin: 'https://app.example',
      client: { name: 'bench' },
      details: [
        {
          type: 'ai_model_access',
          provider: 'openai',
          models: ['gpt-4o'],
          capabilities: ['chat'],
          limits: { daily_spend: 1e9 },
          expires: new Date(now + 86_400_000).toISOString(),
          base_url: 'https://okap.invalid/v1/openai',
        },
      ],
      tokenHash: '',
      createdAt: now - 1000,
      expiresAt: now + 86_400_000,
      revokedAt: 0,
    }),
  },
  keys: { forProvider: async () => ({ kind: 'openai', baseUrl: 'https://upstream.invalid/v1', secret: 'sk-bench' }) },
  limits: createLimitLedger({ store: memoryCounterStore(), timeZone: 'UTC', now: () => now }),
  usage: memoryUsageSink(),
  now: () => now,
  fetch: async () => new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } }),
};

async function once(): Promise<number> {
  const request = new Request('https://okap.invalid/v1/openai/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body,
  });
  const start = performance.now();
  const response = await handle(request, { origin: 'https://app.example' }, deps);
  await response.text();
  const took = performance.now() - start;
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  return took;
}

for (let i = 0; i < 30; i++) await once();
const times: number[] = [];
for (let i = 0; i < RUNS; i++) times.push(await once());
console.log(`1 MB chat request (${(body.length / 1e6).toFixed(2)} MB), ${RUNS} calls: p50 ${median(times).toFixed(2)} ms, p90 ${percentile(times, 90).toFixed(2)} ms`);

// The body checks alone, on the parsed body (absent before they existed).
const adapter = (await import('../lib/providers/openai')).openai as unknown as Record<string, unknown>;
if (typeof adapter.inspect === 'function') {
  const inspect = adapter.inspect as (route: unknown, body: unknown) => unknown;
  const parsed = JSON.parse(body) as unknown;
  const route = { upstreamPath: '/chat/completions', capability: 'chat', model: 'gpt-4o', stream: false, kind: 'call' };
  const checks: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    inspect(route, parsed);
    checks.push(performance.now() - start);
  }
  console.log(`  of which the body checks alone (inspect): p50 ${median(checks).toFixed(3)} ms`);
}
