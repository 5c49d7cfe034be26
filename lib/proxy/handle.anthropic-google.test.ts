import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSse } from '../providers/sse';
import { handle } from './handle';
import { appRequest, makeGrant, makeKit, ORIGIN, REAL_KEY, type Kit } from './test-kit';

let mock: LLMock;
let kit: Kit;

beforeAll(async () => {
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.onMessage('claude please', { content: 'Hello from Claude', usage: { input_tokens: 900, output_tokens: 120 } });
  mock.onMessage('gemini please', {
    content: 'Hello from Gemini',
    usage: { promptTokenCount: 800, candidatesTokenCount: 60, totalTokenCount: 860 },
  });
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearRequests();
  kit = makeKit(mock.url);
});

const messages = (text: string) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 1000,
  messages: [{ role: 'user', content: text }],
});

describe('Anthropic through the proxy', () => {
  it.each([
    ['x-api-key', (t: string) => ({ 'x-api-key': t })],
    ['Authorization: Bearer', (t: string) => ({ authorization: `Bearer ${t}` })],
  ])('meters a messages stream, token in %s', async (_name, auth) => {
    const token = kit.grant(makeGrant([{ provider: 'anthropic', limits: { monthly_spend: 10 } }]));
    const response = await handle(
      appRequest('anthropic', '/v1/messages', { json: { ...messages('claude please'), stream: true }, headers: { ...auth(token), 'anthropic-version': '2023-06-01' } }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(200);
    const events = parseSse(await response.text());
    expect(events.map((e) => e.event)).toContain('message_stop');
    expect(kit.sent[0]?.url).toBe(`${mock.url}/v1/messages`);
    expect(kit.sent[0]?.headers.get('x-api-key')).toBe(REAL_KEY);
    expect(kit.sent[0]?.headers.get('authorization')).toBeNull();
    const [row] = kit.usage.rows;
    expect(row).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5', endpoint: '/v1/messages', status: 200, inputTokens: 900, outputTokens: 120 });
    // claude-sonnet-4-5: $3 / MTok in, $15 / MTok out.
    expect(row?.costUsd).toBeCloseTo(900 * 3e-6 + 120 * 15e-6, 9);
    expect((await kit.ledger.snapshot(row?.grantId ?? '', 'anthropic', kit.clock.now))?.monthReservedUsd).toBe(0);
  });

  it('answers refusals in Anthropic’s error shape', async () => {
    const token = kit.grant(makeGrant([{ provider: 'anthropic', models: ['claude-haiku-4-5'] }]));
    const response = await handle(appRequest('anthropic', '/v1/messages', { json: messages('claude please'), headers: { 'x-api-key': token } }), { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(JSON.stringify(kit.usage.rows[0])).toContain('"status":403');
    expect(kit.sent).toHaveLength(0);
  });
});

describe('Gemini through the proxy', () => {
  const body = { contents: [{ role: 'user', parts: [{ text: 'gemini please' }] }] };

  it('meters streamGenerateContent, token in ?key= which never goes upstream', async () => {
    const token = kit.grant(makeGrant([{ provider: 'google', models: ['gemini-2.5-flash'] }]));
    const request = new Request(`https://okap.invalid/v1/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const response = await handle(request, { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(200);
    expect(parseSse(await response.text()).length).toBeGreaterThan(0);
    expect(kit.sent[0]?.url).toBe(`${mock.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`);
    expect(kit.sent[0]?.headers.get('x-goog-api-key')).toBe(REAL_KEY);
    expect(kit.usage.rows[0]).toMatchObject({
      model: 'gemini-2.5-flash',
      endpoint: '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      status: 200,
      inputTokens: 800,
      outputTokens: 60,
    });
    expect(kit.usage.rows[0]?.costUsd).toBeGreaterThan(0);
  });

  it('meters generateContent with the token in x-goog-api-key', async () => {
    const token = kit.grant(makeGrant([{ provider: 'google' }]));
    const response = await handle(
      appRequest('google', '/v1beta/models/gemini-2.5-flash:generateContent', { json: body, headers: { 'x-goog-api-key': token } }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(200);
    await response.json();
    expect(kit.usage.rows[0]).toMatchObject({ status: 200, inputTokens: 800, outputTokens: 60 });
  });

  it('answers refusals in Google’s error shape', async () => {
    const token = kit.grant(makeGrant([{ provider: 'google' }]));
    kit.grants.get(token)!.revokedAt = kit.clock.now - 1;
    const response = await handle(
      appRequest('google', '/v1beta/models/gemini-2.5-flash:generateContent', { json: body, headers: { 'x-goog-api-key': token } }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { code: 401, status: 'UNAUTHENTICATED', details: [{ reason: 'TOKEN_REVOKED', metadata: { okap_error: 'token_revoked' } }] },
    });
  });
});
