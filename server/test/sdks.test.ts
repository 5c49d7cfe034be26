import Anthropic from '@anthropic-ai/sdk';
import { LLMock } from '@copilotkit/aimock';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlOf, grantAccess, startVault, tempDir, type GrantedWire, type VaultProcess } from './harness';

type Json = Parameters<LLMock['onMessage']>[1];
const REAL_KEY = 'sk-real-upstream-key-0001';

let upstream: LLMock;
let vault: VaultProcess;
let granted: GrantedWire;

beforeAll(async () => {
  upstream = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  upstream.onMessage('hello', { content: 'Hi from the provider', usage: { prompt_tokens: 12, completion_tokens: 6 } } as Json);
  upstream.onEmbedding('embed me', { embedding: [0.1, 0.2, 0.3] } as Json);
  await upstream.start();
  vault = await startVault({ OKAP_DATA_DIR: tempDir('sdks') });
  for (const [provider, base_url] of [
    ['openai', `${upstream.url}/v1`],
    ['anthropic', upstream.url],
    ['google', upstream.url],
  ]) {
    const added = await vault.owner('/owner/keys', { method: 'POST', json: { provider, secret: REAL_KEY, base_url } });
    expect(added.status).toBe(201);
  }
  granted = await grantAccess(vault, {
    okap: '1.0',
    client: { name: 'SDK script' },
    authorization_details: [
      { type: 'ai_model_access', provider: 'openai', models: ['gpt-4o-mini', 'text-embedding-3-small'] },
      { type: 'ai_model_access', provider: 'anthropic', models: ['claude-sonnet-4-5'] },
      { type: 'ai_model_access', provider: 'google', models: ['gemini-2.5-flash'] },
    ],
  });
}, 180_000);

afterAll(async () => {
  await vault?.stop();
  await upstream?.stop();
});

describe('the official SDKs against the running vault, given only the token and base_url', () => {
  it('grants a token whose base_url is the public URL', () => {
    expect(granted.status).toBe('granted');
    expect(granted.token).toMatch(/^okap_[A-Za-z0-9_-]{43}$/);
    expect(baseUrlOf(granted, 'openai')).toBe(`${vault.url}/v1/openai`);
  });

  it('openai: chat, streaming chat and embeddings', async () => {
    const openai = new OpenAI({ apiKey: granted.token, baseURL: baseUrlOf(granted, 'openai'), maxRetries: 0 });
    const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(reply.choices[0]?.message.content).toBe('Hi from the provider');
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hi from the provider');
    const embedding = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'embed me', encoding_format: 'float' });
    expect(embedding.data[0]?.embedding).toEqual([0.1, 0.2, 0.3]);
  });

  it('@anthropic-ai/sdk: messages, plain and streaming', async () => {
    const anthropic = new Anthropic({ apiKey: granted.token, baseURL: baseUrlOf(granted, 'anthropic'), maxRetries: 0 });
    const reply = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    expect(reply.content[0]).toMatchObject({ type: 'text', text: 'Hi from the provider' });
    const stream = anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    expect((await stream.finalText())).toBe('Hi from the provider');
  });

  it('@google/genai: generateContent, plain and streaming', async () => {
    const genai = new GoogleGenAI({ apiKey: granted.token, httpOptions: { baseUrl: baseUrlOf(granted, 'google') } });
    const reply = await genai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello' });
    expect(reply.text).toBe('Hi from the provider');
    let text = '';
    for await (const chunk of await genai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hello' })) text += chunk.text ?? '';
    expect(text).toBe('Hi from the provider');
  });

  it('refuses what the grant does not cover with the SDK’s own typed errors', async () => {
    const openai = new OpenAI({ apiKey: granted.token, baseURL: baseUrlOf(granted, 'openai'), maxRetries: 0 });
    await expect(openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] })).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );
    const forged = new OpenAI({ apiKey: `okap_${'x'.repeat(43)}`, baseURL: baseUrlOf(granted, 'openai'), maxRetries: 0 });
    await expect(forged.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });

  it('the owner’s approval may set the expiry; an auto-approved /okap/request echoes only what the okap SDK knows', async () => {
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    const narrowed = await grantAccess(vault, { provider: 'openai', models: ['gpt-4o-mini'], client: { name: 'expiring' } }, { expires });
    expect(narrowed.authorization_details[0]!.expires).toBe(expires);
    expect((await vault.owner('/owner/rules', { method: 'POST', json: { client_name: 'echo app', provider: 'openai', limits: { requests_per_minute: 5 } } })).status).toBe(201);
    const response = await fetch(`${vault.url}/okap/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ okap: '1.0', provider: 'openai', models: ['gpt-4o-mini'], capabilities: ['chat', 'code'], app_name: 'echo app' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      okap: '1.0',
      approved: true,
      token: {
        token: expect.stringMatching(/^okap_/),
        base_url: `${vault.url}/v1/openai`,
        provider: 'openai',
        models: ['gpt-4o-mini'],
        capabilities: ['chat'],
        limits: { requests_per_minute: 5 },
        expires_at: expect.any(String),
      },
    });
  });

  it('answers a browser app’s CORS preflight for the proxy', async () => {
    const response = await fetch(`${baseUrlOf(granted, 'openai')}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('filters the usage log by time, origin and count, and refuses a bad filter by name', async () => {
    const read = async (query: string) => (await vault.owner(`/owner/usage?${query}`)).json() as Promise<{ usage: { origin: string }[] }>;
    expect((await read('limit=1')).usage).toHaveLength(1);
    expect((await read('origin=app%3ASDK%20script')).usage.length).toBeGreaterThan(3);
    expect((await read('origin=https%3A%2F%2Felsewhere.example')).usage).toEqual([]);
    expect((await read(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).usage).toEqual([]);
    const bad = await vault.owner('/owner/usage?limit=0');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { path: 'limit' } });
  });

  it('meters every call into the owner’s usage log, and the real key reached the provider', async () => {
    const usage = (await (await vault.owner('/owner/usage')).json()) as { usage: { provider: string; status: number; inputTokens: number }[] };
    const ok = usage.usage.filter((u) => u.status === 200);
    expect(ok.filter((u) => u.provider === 'openai').length).toBeGreaterThanOrEqual(3);
    expect(ok.some((u) => u.provider === 'anthropic' && u.inputTokens > 0)).toBe(true);
    expect(ok.some((u) => u.provider === 'google')).toBe(true);
    expect(usage.usage.some((u) => u.status === 403)).toBe(true);
  });
});
