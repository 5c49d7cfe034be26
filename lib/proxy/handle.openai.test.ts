import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSse } from '../providers/sse';
import { handle } from './handle';
import { appRequest, chatBody, makeGrant, makeKit, ORIGIN, REAL_KEY, type Kit } from './test-kit';

let mock: LLMock;
let kit: Kit;

beforeAll(async () => {
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.onMessage('hello', { content: 'Hi there friend', usage: { prompt_tokens: 1200, completion_tokens: 340 } });
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearRequests();
  kit = makeKit(mock.url);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('OpenAI through the proxy', () => {
  it('forwards a chat call with the real key, meters it and settles it', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', limits: { daily_spend: 5 } }]));
    const response = await handle(appRequest('openai', '/chat/completions', { json: chatBody(), headers: bearer(token) }), { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(200);
    const json = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(json.choices[0]?.message.content).toBe('Hi there friend');

    const [row] = kit.usage.rows;
    expect(kit.usage.rows).toHaveLength(1);
    expect(row).toMatchObject({
      origin: ORIGIN,
      provider: 'openai',
      model: 'gpt-4o',
      endpoint: '/chat/completions',
      status: 200,
      inputTokens: 1200,
      outputTokens: 340,
    });
    // gpt-4o: $2.50 / MTok in, $10 / MTok out.
    expect(row?.costUsd).toBeCloseTo(1200 * 2.5e-6 + 340 * 10e-6, 9);
    const spent = (await kit.ledger.snapshot(row?.grantId ?? '', 'openai', kit.clock.now));
    expect(spent).toMatchObject({ dayReservedUsd: 0, dayRequests: 1 });
    expect(spent?.daySpentUsd).toBeCloseTo(row?.costUsd ?? -1, 12);
    await kit.ledger.flush();
    expect(kit.store.reservations.size).toBe(0);
  });

  it('meters a stream from the usage chunk it asks for', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    const response = await handle(
      appRequest('openai', '/chat/completions', { json: chatBody({ stream: true }), headers: bearer(token) }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await response.text());
    expect(events.at(-1)?.data).toBe('[DONE]');
    // The app did not ask for usage, so the vault did; the app still sees the usage chunk.
    expect(JSON.parse(kit.sent[0]?.body ?? '{}')).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(kit.usage.rows[0]).toMatchObject({ status: 200, inputTokens: 1200, outputTokens: 340 });
    expect(kit.usage.rows[0]?.ttfbMs).toBeGreaterThanOrEqual(0);
  });

  it('sends the real key upstream, never the token or the client credentials', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    const response = await handle(
      appRequest('openai', '/chat/completions', {
        json: chatBody(),
        headers: { ...bearer(token), 'x-api-key': token, cookie: 'session=secret', 'openai-beta': 'assistants=v2' },
      }),
      { origin: ORIGIN },
      kit.deps,
    );
    // aimock accepts only the real key.
    expect(response.status).toBe(200);
    const [sent] = kit.sent;
    expect(sent?.url).toBe(`${mock.url}/v1/chat/completions`);
    expect(sent?.headers.get('authorization')).toBe(`Bearer ${REAL_KEY}`);
    // Only the SDK's own headers pass; openai-beta is for endpoints the vault does not cover.
    expect(sent?.headers.get('openai-beta')).toBeNull();
    const everything = [sent?.url, ...[...(sent?.headers.entries() ?? [])].flat(), sent?.body].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('session=secret');
    expect(mock.getRequests()).toHaveLength(1);
  });

  it('forwards the body byte for byte when it needs no change', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    const raw = '{ "model":"gpt-4o",  "messages":[{"role":"user","content":"hello"}], "temperature": 1.0 }';
    await handle(
      new Request('https://okap.invalid/v1/openai/chat/completions', { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: raw }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(kit.sent[0]?.body).toBe(raw);
  });

  it('filters the models list to the granted models', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', models: ['gpt-4o', 'text-embedding-3-small'] }]));
    const response = await handle(appRequest('openai', '/models', { headers: bearer(token) }), { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(200);
    const list = (await response.json()) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).toEqual(['gpt-4o', 'text-embedding-3-small']);
    expect(kit.usage.rows[0]).toMatchObject({ status: 200, endpoint: '/models', costUsd: 0 });
  });

  it('passes the models list through whole when every model is granted', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', models: [] }]));
    const response = await handle(appRequest('openai', '/models', { headers: bearer(token) }), { origin: ORIGIN }, kit.deps);
    const list = (await response.json()) as { data: { id: string }[] };
    expect(list.data.length).toBeGreaterThan(2);
  });

  it('refuses to retrieve a model that is not granted, without forwarding', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', models: ['gpt-4o'] }]));
    const response = await handle(appRequest('openai', '/models/gpt-4', { headers: bearer(token) }), { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { type: 'model_not_granted', code: 'model_not_granted', param: null, message: expect.stringContaining('gpt-4') },
    });
    expect(mock.getRequests()).toHaveLength(0);
  });

  it.each([
    ['POST', '/files'],
    ['POST', '/fine_tuning/jobs'],
    ['DELETE', '/models/gpt-4o'],
    ['GET', '/organization/costs'],
    ['POST', '/chat/completions/../../admin'],
  ])('refuses %s %s as not covered, never forwarding it', async (method, path) => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    const response = await handle(
      new Request(`https://okap.invalid/v1/openai${path}`, { method, headers: { ...bearer(token), 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('endpoint_not_covered');
    expect(kit.sent).toHaveLength(0);
    expect(mock.getRequests()).toHaveLength(0);
  });

  it('answers a bad token in OpenAI’s error shape', async () => {
    const response = await handle(appRequest('openai', '/chat/completions', { json: chatBody(), headers: bearer('okap_unknown') }), { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: 'token_invalid', code: 'token_invalid' } });
    expect(kit.usage.rows).toHaveLength(0);
  });

  it('serves an OpenAI-compatible provider id through its key', async () => {
    const token = kit.grant(makeGrant([{ provider: 'groq' }]));
    kit.overrides.push({ provider: 'openai-compatible', model: 'gpt-4o', inputPerMTok: 1, outputPerMTok: 2 });
    const response = await handle(appRequest('groq', '/chat/completions', { json: chatBody(), headers: bearer(token) }), { origin: ORIGIN }, kit.deps);
    expect(response.status).toBe(200);
    await response.text();
    expect(kit.usage.rows[0]).toMatchObject({ provider: 'groq', costUsd: (1200 * 1 + 340 * 2) / 1e6 });
  });
});
