/**
 * Issue 7, items 1–3 and the proxy's smaller holes, as a hostile but granted app would try
 * them. The upstream is the real aimock server: its own provider imitations, and recorded
 * provider bytes (lib/providers/fixtures) replayed through its mount hook, cut where a
 * provider's stream really can be cut.
 */
import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costOf } from '../pricing';
import { fixtureText } from '../providers/fixtures';
import { handle } from './handle';
import { appRequest, makeGrant, makeKit, makeReplayer, ORIGIN, REAL_KEY, REPLAY_PATH, type DetailSpec, type Kit, type Replayer } from './test-kit';

let mock: LLMock;
let kit: Kit;
let replay: Replayer;

beforeAll(async () => {
  replay = makeReplayer();
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.mount(REPLAY_PATH, replay);
  mock.onMessage(/.*/, { content: 'ok', usage: { prompt_tokens: 10, completion_tokens: 5, input_tokens: 10, output_tokens: 5 } });
  mock.onEmbedding(/.*/, { embedding: [0.1, 0.2] });
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearRequests();
  replay.seen.length = 0;
  kit = makeKit(mock.url);
});

/** Points a provider's key at the replaying upstream. */
function replayed(provider: 'openai' | 'anthropic' | 'google'): void {
  const key = kit.keys.get(provider)!;
  kit.keys.set(provider, { ...key, baseUrl: `${mock.url}${REPLAY_PATH}${provider === 'openai' ? '/v1' : ''}` });
}

function grantFor(spec: DetailSpec) {
  const grant = makeGrant([spec]);
  return { grant, token: kit.grant(grant) };
}

const auth = (provider: string, token: string): Record<string, string> =>
  provider === 'anthropic' ? { 'x-api-key': token } : provider === 'google' ? { 'x-goog-api-key': token } : { authorization: `Bearer ${token}` };

const send = (provider: string, path: string, token: string, json: unknown, init: RequestInit = {}) =>
  handle(appRequest(provider, path, { json, ...init, headers: { ...auth(provider, token), ...(init.headers as Record<string, string>) } }), { origin: ORIGIN }, kit.deps);

async function errorOf(response: Response): Promise<{ status: number; body: string }> {
  return { status: response.status, body: await response.text() };
}

/** What the ledger took in for a grant once every call has settled. */
async function spent(grantId: string, provider: string): Promise<number> {
  await kit.ledger.flush();
  return (await kit.ledger.snapshot(grantId, provider, kit.clock.now)).daySpentUsd;
}

const claude = { model: 'claude-sonnet-4-20250514', max_tokens: 20_000, stream: true, messages: [{ role: 'user', content: 'Hi' }] };
const geminiPath = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
const geminiBody = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { maxOutputTokens: 30_000 } };

describe('1. billing only from final usage', () => {
  it('an Anthropic stream cut after message_start is billed its reservation, not message_start’s early count', async () => {
    replayed('anthropic');
    replay.play({ body: fixtureText('anthropic-messages-stream.txt'), cutAfterEvents: 5 });
    const { grant, token } = grantFor({ provider: 'anthropic', limits: { daily_spend: 5 } });
    const response = await send('anthropic', '/v1/messages', token, claude);
    expect(response.status).toBe(200);
    await response.text().catch(() => '');
    const row = kit.usage.rows[0]!;
    expect(row.status).toBe('cut');
    // The reservation: 20,000 output tokens at $15 / MTok alone is $0.30; message_start's
    // figures (14 in + 6,147 cached, 1 out) would have been about $0.01.
    expect(row.costUsd).toBeGreaterThan(0.3);
    expect(await spent(grant.id, 'anthropic')).toBeCloseTo(row.costUsd!, 9);
  });

  it('an Anthropic stream the app aborts mid-answer is billed its reservation', async () => {
    replayed('anthropic');
    replay.play({ body: fixtureText('anthropic-messages-stream.txt'), stallAfterEvents: 6 });
    const { token } = grantFor({ provider: 'anthropic', limits: { daily_spend: 5 } });
    const abort = new AbortController();
    const response = await send('anthropic', '/v1/messages', token, claude, { signal: abort.signal });
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => undefined);
    const row = kit.usage.rows[0]!;
    expect(row.status).toBe('aborted');
    expect(row.costUsd).toBeGreaterThan(0.3);
  });

  it('a complete Anthropic stream is billed from its final message_delta', async () => {
    replayed('anthropic');
    replay.play({ body: fixtureText('anthropic-messages-stream.txt') });
    const { token } = grantFor({ provider: 'anthropic', limits: { daily_spend: 5 } });
    await (await send('anthropic', '/v1/messages', token, claude)).text();
    const row = kit.usage.rows[0]!;
    expect(row).toMatchObject({ status: 200, outputTokens: 15 });
    expect(row.costUsd).toBeLessThan(0.05);
    expect(row.anomaly).toBeUndefined();
  });

  it('a Gemini stream cut before its final chunk is billed its reservation', async () => {
    replayed('google');
    replay.play({ body: fixtureText('gemini-stream.txt'), cutAfterEvents: 2 });
    const { token } = grantFor({ provider: 'google', limits: { daily_spend: 5 } });
    await (await send('google', geminiPath, token, geminiBody)).text().catch(() => '');
    const row = kit.usage.rows[0]!;
    expect(row.status).toBe('cut');
    // 30,000 output tokens at $2.50 / MTok: $0.075 at least; the chunks' running figures
    // (no output count yet) were about $0.0005.
    expect(row.costUsd).toBeGreaterThan(0.075);
  });

  it('an OpenAI /responses stream cut before response.completed is billed at a true bound', async () => {
    replayed('openai');
    replay.play({ body: fixtureText('openai-responses-stream.txt'), cutAfterEvents: 6 });
    const { token } = grantFor({ provider: 'openai', limits: { daily_spend: 5 } });
    const body = { model: 'gpt-4.1', stream: true, input: 'x'.repeat(3000), max_output_tokens: 100 };
    await (await send('openai', '/responses', token, body)).text().catch(() => '');
    const row = kit.usage.rows[0]!;
    expect(row.status).toBe('cut');
    // At least one input token per byte (3,000+): bytes / 3 would bill ~1,000.
    expect(row.costUsd).toBeGreaterThanOrEqual(costOf('openai', 'gpt-4.1', { inputTokens: 3000, outputTokens: 100 })!);
  });

  it('a 2xx without usage from an endpoint that always reports it is billed its reservation and marked', async () => {
    replayed('google');
    const answer = JSON.parse(fixtureText('gemini-generate.json')) as Record<string, unknown>;
    delete answer.usageMetadata;
    replay.play({ body: JSON.stringify(answer), contentType: 'application/json' });
    const { grant, token } = grantFor({ provider: 'google', limits: { daily_spend: 5 } });
    const response = await send('google', '/v1beta/models/gemini-2.5-flash:generateContent', token, geminiBody);
    expect(response.status).toBe(200);
    await response.json();
    const row = kit.usage.rows[0]!;
    expect(row).toMatchObject({ status: 200, anomaly: 'no_final_usage' });
    expect(row.costUsd).toBeGreaterThan(0.075);
    expect(await spent(grant.id, 'google')).toBeCloseTo(row.costUsd!, 9);
  });
});

describe('1b. a final cost above the reservation', () => {
  it('is billed as reported and marked over_reservation', async () => {
    replayed('anthropic');
    // A provider that reports more than the request could cost (here 500,000 input tokens for
    // a one-word prompt): the bill follows the provider, and the row says so.
    const huge = fixtureText('anthropic-messages-stream.txt').replace('"input_tokens":14', '"input_tokens":500000');
    replay.play({ body: huge });
    const { token } = grantFor({ provider: 'anthropic', limits: { daily_spend: 5 } });
    await (await send('anthropic', '/v1/messages', token, { ...claude, max_tokens: 100 })).text();
    expect(kit.usage.rows[0]).toMatchObject({ status: 200, anomaly: 'over_reservation' });
  });
});

describe('2. a reservation that is a true upper bound, or a refusal', () => {
  it('twenty concurrent calls that pull context by reference cannot overrun a $1 daily limit', async () => {
    const { grant, token } = grantFor({ provider: 'openai', limits: { daily_spend: 1 } });
    const body = { model: 'gpt-4o', previous_response_id: 'resp_big', input: 'continue', max_output_tokens: 1000 };
    const responses = await Promise.all(Array.from({ length: 20 }, () => send('openai', '/responses', token, body)));
    const admitted = responses.filter((r) => r.status === 200);
    await Promise.all(responses.map((r) => r.text()));
    // Each holds gpt-4o's whole 128,000-token context window: $0.32 + $0.01.
    expect(admitted.length).toBe(3);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(17);
    expect(await spent(grant.id, 'openai')).toBeLessThanOrEqual(1);
  });

  it('refuses context by reference with cost_unbounded, in Google’s shape, when the model’s window is unknown', async () => {
    const { token } = grantFor({ provider: 'google', limits: { daily_spend: 1 } });
    const body = { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mimeType: 'video/mp4' } }] }] };
    const response = await send('google', '/v1beta/models/gemini-2.5-pro:generateContent', token, body);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { status: 'PERMISSION_DENIED', details: [{ metadata: { okap_error: 'cost_unbounded' } }] } });
    expect(mock.getRequests()).toHaveLength(0);
  });

  it('reserves fileData on a model whose window is known at that window', async () => {
    const { grant, token } = grantFor({ provider: 'google', limits: { daily_spend: 0.2 } });
    const body = { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'gs://bucket/big.pdf', mimeType: 'application/pdf' } }] }], generationConfig: { maxOutputTokens: 100 } };
    const response = await send('google', '/v1beta/models/gemini-2.5-flash:generateContent', token, body);
    // 1,048,576 tokens × $0.30 / MTok = $0.31 > $0.20: refused before anything is sent.
    expect(response.status).toBe(429);
    expect(await spent(grant.id, 'google')).toBe(0);
  });

  it('refuses hosted tools under a spend limit even when granted, and forwards them without one', async () => {
    const limited = grantFor({ provider: 'openai', capabilities: ['chat', 'web_search'], limits: { daily_spend: 5 } });
    const body = { model: 'gpt-4o', input: 'news?', tools: [{ type: 'web_search' }] };
    const refused = await errorOf(await send('openai', '/responses', limited.token, body));
    expect(refused).toMatchObject({ status: 403 });
    expect(refused.body).toContain('cost_unbounded');
    const free = grantFor({ provider: 'openai', capabilities: ['chat', 'web_search'] });
    const ok = await send('openai', '/responses', free.token, body);
    expect(ok.status).toBe(200);
    await ok.text();
  });

  it('counts n: a burst of n=8 calls reserves eight answers each', async () => {
    const { token } = grantFor({ provider: 'openai', limits: { daily_spend: 0.1 } });
    const body = { model: 'gpt-4o-mini', n: 8, messages: [{ role: 'user', content: 'hi' }] };
    // gpt-4o-mini: 16,384 output tokens × 8 answers × $0.60 / MTok = $0.079 per call.
    const responses = await Promise.all(Array.from({ length: 3 }, () => send('openai', '/chat/completions', token, body)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    await Promise.all(responses.map((r) => r.text()));
  });
});

describe('3. only what a grant covers is forwarded', () => {
  it('drops Google system parameters and headers that could strip usage or bill elsewhere', async () => {
    replayed('google');
    replay.play({ body: fixtureText('gemini-generate.json'), contentType: 'application/json' });
    const { token } = grantFor({ provider: 'google' });
    const response = await send(
      'google',
      '/v1beta/models/gemini-2.5-flash:generateContent?fields=candidates&%24alt=json%3Benum-encoding%3Dint&callback=cb&prettyPrint=false',
      token,
      geminiBody,
      { headers: { 'X-Goog-FieldMask': 'candidates', 'X-HTTP-Method-Override': 'GET', 'x-goog-user-project': 'other', 'x-goog-api-client': 'genai-js/1.0' } },
    );
    expect(response.status).toBe(200);
    await response.text();
    const [seen] = replay.seen;
    expect(seen?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(Object.keys(seen?.headers ?? {})).not.toEqual(expect.arrayContaining(['x-goog-fieldmask']));
    for (const name of ['x-goog-fieldmask', 'x-http-method-override', 'x-goog-user-project']) expect(seen?.headers[name], name).toBeUndefined();
    expect(seen?.headers['x-goog-api-client']).toBe('genai-js/1.0');
    expect(kit.usage.rows[0]?.inputTokens).toBeGreaterThan(0);
  });

  it('never takes OpenAI organisation or project headers from the app', async () => {
    const { token } = grantFor({ provider: 'openai' });
    await (await send('openai', '/chat/completions', token, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'OpenAI-Organization': 'org-other', 'OpenAI-Project': 'proj-other' } })).text();
    expect(kit.sent[0]?.headers.has('openai-organization')).toBe(false);
    expect(kit.sent[0]?.headers.has('openai-project')).toBe(false);
  });

  it('passes only vetted anthropic-beta values', async () => {
    const { token } = grantFor({ provider: 'anthropic' });
    const body = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
    await (await send('anthropic', '/v1/messages', token, body, { headers: { 'anthropic-beta': 'context-1m-2025-08-07, prompt-caching-2024-07-31,fast-mode-2026-02-01' } })).text();
    expect(kit.sent[0]?.headers.get('anthropic-beta')).toBe('prompt-caching-2024-07-31');
    await (await send('anthropic', '/v1/messages', token, body, { headers: { 'anthropic-beta': 'context-1m-2025-08-07' } })).text();
    expect(kit.sent[1]?.headers.has('anthropic-beta')).toBe(false);
  });

  it.each([
    ['openai', '/responses', { model: 'gpt-4o', input: 'x', tools: [{ type: 'web_search_preview' }] }, 'capability_not_granted'],
    ['openai', '/responses', { model: 'gpt-4o', input: 'x', tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'capability_not_granted'],
    ['openai', '/responses', { model: 'gpt-4o', input: 'x', tools: [{ type: 'mcp', server_url: 'https://evil.example/mcp', server_label: 'e' }] }, 'capability_not_granted'],
    ['openai', '/responses', { model: 'gpt-4o', input: 'x', tools: [{ type: 'image_generation', model: 'gpt-image-1' }] }, 'capability_not_granted'],
    ['openai', '/responses', { model: 'gpt-4o', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'capability_not_granted'],
    ['openai', '/responses', { model: 'gpt-4o', prompt: { id: 'pmpt_1' } }, 'capability_not_granted'],
    ['openai', '/chat/completions', { model: 'gpt-4o', messages: [], modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'wav' } }, 'capability_not_granted'],
    ['openai', '/chat/completions', { model: 'gpt-4o', messages: [], web_search_options: {} }, 'capability_not_granted'],
    ['openai', '/chat/completions', { model: 'gpt-4o', messages: [], service_tier: 'priority' }, 'price_unknown'],
    ['anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'capability_not_granted'],
    ['anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [], mcp_servers: [{ type: 'url', url: 'https://evil.example/mcp', name: 'e' }] }, 'capability_not_granted'],
    ['anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [], tools: [{ type: 'code_execution_20250522', name: 'code_execution' }] }, 'capability_not_granted'],
    ['google', '/v1beta/models/gemini-2.5-flash:generateContent', { contents: [], tools: [{ googleSearch: {} }] }, 'capability_not_granted'],
    ['google', '/v1beta/models/gemini-2.5-flash:generateContent', { contents: [], tools: [{ codeExecution: {} }] }, 'capability_not_granted'],
    ['google', '/v1beta/models/gemini-2.5-flash:generateContent', { contents: [], generationConfig: { responseModalities: ['TEXT', 'IMAGE'] } }, 'capability_not_granted'],
    ['google', '/v1beta/models/gemini-2.5-flash:generateContent', { contents: [], cachedContent: 'cachedContents/abc' }, 'capability_not_granted'],
  ])('a chat-only grant refuses %s %s %j', async (provider, path, body, type) => {
    const { token } = grantFor({ provider, capabilities: ['chat'] });
    const refused = await errorOf(await send(provider, path, token, body));
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(type);
    expect(mock.getRequests()).toHaveLength(0);
  });

  it('a grant of all capabilities still does not cover a hosted tool it does not name', async () => {
    const { token } = grantFor({ provider: 'openai' });
    const refused = await errorOf(await send('openai', '/responses', token, { model: 'gpt-4o', input: 'x', tools: [{ type: 'web_search' }] }));
    expect(refused.status).toBe(403);
  });

  it('nested model names must be granted models', async () => {
    const { token } = grantFor({ provider: 'openai', models: ['gpt-4o'], capabilities: ['chat', 'images'] });
    const refused = await errorOf(await send('openai', '/responses', token, { model: 'gpt-4o', input: 'x', tools: [{ type: 'image_generation', model: 'gpt-image-1' }] }));
    expect(refused).toMatchObject({ status: 403 });
    expect(refused.body).toContain('model_not_granted');
    const google = grantFor({ provider: 'google', models: ['text-embedding-004'] });
    const batch = { requests: [{ model: 'models/gemini-embedding-exp', content: { parts: [{ text: 'x' }] } }] };
    const nested = await errorOf(await send('google', '/v1beta/models/text-embedding-004:batchEmbedContents', google.token, batch));
    expect(nested.body).toContain('MODEL_NOT_GRANTED');
  });

  it('forwards a hosted tool the grant names, when no spend limit applies', async () => {
    const { token } = grantFor({ provider: 'anthropic', capabilities: ['chat', 'web_search'] });
    const body = { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 1 }] };
    const response = await send('anthropic', '/v1/messages', token, body);
    expect(response.status).toBe(200);
    await response.text();
  });
});

describe('7. smaller holes', () => {
  it('accepts ?key= only for Google, and never forwards it', async () => {
    const { token } = grantFor({ provider: 'openai' });
    const request = new Request(`https://okap.invalid/v1/openai/chat/completions?key=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const response = await handle(request, { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('token_invalid');
    expect(kit.sent).toHaveLength(0);

    const google = grantFor({ provider: 'google' });
    const ok = await handle(
      new Request(`https://okap.invalid/v1/google/v1beta/models/gemini-2.5-flash:generateContent?key=${google.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(geminiBody),
      }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(ok.status).toBe(200);
    await ok.text();
    expect(kit.sent[0]?.url).not.toContain(google.token);
  });

  it('decodes the Gemini model segment once: an encoded percent is refused, not read as another model', async () => {
    const { token } = grantFor({ provider: 'google', models: ['gemini-2.5-flash@001'] });
    const response = await send('google', '/v1beta/models/gemini-2.5-flash%2540001:generateContent', token, geminiBody);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('ENDPOINT_NOT_COVERED');
    expect(kit.sent).toHaveLength(0);
  });

  it('counts only calls that can cost something as activity: not the models list, not token counts', async () => {
    const admitted: string[] = [];
    kit.deps.onAdmitted = (id) => admitted.push(id);
    const { grant, token } = grantFor({ provider: 'anthropic' });
    await (await handle(appRequest('anthropic', '/v1/models', { headers: { 'x-api-key': token } }), { origin: ORIGIN }, kit.deps)).text();
    await (await send('anthropic', '/v1/messages/count_tokens', token, { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })).text();
    expect(admitted).toEqual([]);
    await (await send('anthropic', '/v1/messages', token, { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).text();
    expect(admitted).toEqual([grant.id]);
  });
});
