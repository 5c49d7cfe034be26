import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handle } from './handle';
import { appRequest, chatBody, makeGrant, makeKit, ORIGIN, REAL_KEY, T0, type Kit } from './test-kit';

let mock: LLMock;
let kit: Kit;

beforeAll(async () => {
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 10, completion_tokens: 5 } });
  mock.onEmbedding('embed me', { embedding: [0.1, 0.2, 0.3] });
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearRequests();
  kit = makeKit(mock.url);
});

const call = (token: string, origin: string | undefined = ORIGIN, body: unknown = chatBody()) =>
  handle(appRequest('openai', '/chat/completions', { json: body, headers: { authorization: `Bearer ${token}` } }), origin === undefined ? {} : { origin }, kit.deps);

async function refusal(response: Response): Promise<{ status: number; type: string; headers: Headers }> {
  const json = (await response.json()) as { error: { type: string } };
  return { status: response.status, type: json.error.type, headers: response.headers };
}

describe('who may call', () => {
  it('counts only admitted calls of a live grant as activity', async () => {
    const admitted: string[] = [];
    kit.deps.onAdmitted = (grantId) => admitted.push(grantId);
    const grant = makeGrant([{ provider: 'openai' }]);
    const token = kit.grant(grant);
    await (await call('okap_' + 'x'.repeat(43))).text();
    await (await call(token, 'https://evil.example')).text();
    expect(admitted).toEqual([]);
    await (await call(token)).text();
    expect(admitted).toEqual([grant.id]);
  });

  it('refuses a token from another origin in local mode', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    expect(await refusal(await call(token, 'https://evil.example'))).toMatchObject({ status: 401, type: 'origin_mismatch' });
    expect(kit.sent).toHaveLength(0);
    // The attempt shows in the activity log under the origin that made it.
    expect(kit.usage.rows[0]).toMatchObject({ origin: 'https://evil.example', status: 401 });
  });

  it('binds no origin in relay mode', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    const response = await call(token, undefined);
    expect(response.status).toBe(200);
    await response.text();
    expect(kit.usage.rows[0]?.origin).toBe(ORIGIN);
  });

  it('refuses a revoked token', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }], { revokedAt: T0 - 1 }));
    expect(await refusal(await call(token))).toMatchObject({ status: 401, type: 'token_revoked' });
  });

  it('refuses the next call once the hub hears of a revocation', async () => {
    const grant = makeGrant([{ provider: 'openai' }]);
    const token = kit.grant(grant);
    kit.hub.revoke(grant.id);
    expect(await refusal(await call(token))).toMatchObject({ status: 401, type: 'token_revoked' });
    expect(kit.sent).toHaveLength(0);
  });

  it('refuses an expired token, and a detail that expired before the grant', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', expires: T0 - 1 }]));
    expect(await refusal(await call(token))).toMatchObject({ status: 401, type: 'token_expired' });
    const grant = makeGrant([{ provider: 'openai', expires: T0 - 1 }, { provider: 'anthropic', expires: T0 + 60_000 }]);
    expect(await refusal(await call(kit.grant(grant)))).toMatchObject({ status: 401, type: 'token_expired' });
  });

  it('refuses tokens it never issued and calls without one', async () => {
    expect(await refusal(await call('okap_' + 'z'.repeat(43)))).toMatchObject({ status: 401, type: 'token_invalid' });
    expect(await refusal(await call('sk-proj-a-real-key'))).toMatchObject({ status: 401, type: 'token_invalid' });
    const anonymous = await handle(appRequest('openai', '/models'), { origin: ORIGIN }, kit.deps);
    expect(await refusal(anonymous)).toMatchObject({ status: 401, type: 'token_invalid' });
  });
});

describe('what a grant allows', () => {
  it('refuses a provider the grant does not name', async () => {
    const token = kit.grant(makeGrant([{ provider: 'anthropic' }]));
    expect(await refusal(await call(token))).toMatchObject({ status: 403, type: 'provider_not_granted' });
  });

  it('refuses a model the grant does not name', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', models: ['gpt-4o-mini'] }]));
    expect(await refusal(await call(token))).toMatchObject({ status: 403, type: 'model_not_granted' });
    expect(kit.sent).toHaveLength(0);
  });

  it('refuses a capability the grant does not name', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', capabilities: ['embeddings'] }]));
    expect(await refusal(await call(token))).toMatchObject({ status: 403, type: 'capability_not_granted' });
    const embed = await handle(
      appRequest('openai', '/embeddings', { json: { model: 'text-embedding-3-small', input: 'embed me' }, headers: { authorization: `Bearer ${token}` } }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(embed.status).toBe(200);
  });

  it('reads the model of a multipart upload and forwards its bytes untouched', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', models: ['whisper-1'] }]));
    const form = () => {
      const f = new FormData();
      f.set('model', 'gpt-4o-transcribe');
      f.set('file', new Blob([new Uint8Array([0, 1, 2, 255])], { type: 'audio/wav' }), 'a.wav');
      return f;
    };
    const refused = await handle(
      new Request('https://okap.invalid/v1/openai/audio/transcriptions', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form() }),
      { origin: ORIGIN },
      kit.deps,
    );
    expect(await refusal(refused)).toMatchObject({ status: 403, type: 'model_not_granted' });

    const allowed = kit.grant(makeGrant([{ provider: 'openai', models: ['gpt-4o-transcribe'] }]));
    const request = new Request('https://okap.invalid/v1/openai/audio/transcriptions', { method: 'POST', headers: { authorization: `Bearer ${allowed}` }, body: form() });
    const original = new Uint8Array(await request.clone().arrayBuffer());
    const contentType = request.headers.get('content-type');
    const sentBodies: Uint8Array[] = [];
    const spy = kit.deps.fetch;
    kit.deps.fetch = async (input, init) => {
      sentBodies.push(init?.body as Uint8Array);
      return spy(input, init);
    };
    const response = await handle(request, { origin: ORIGIN }, kit.deps);
    await response.text();
    expect(kit.sent[0]?.headers.get('content-type')).toBe(contentType);
    expect(sentBodies[0]).toEqual(original);
  });

  it('reads a JSON body sent as text/plain, checks its model and labels it JSON upstream', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', models: ['gpt-4o-mini'] }]));
    const plain = (model: string) =>
      handle(
        new Request('https://okap.invalid/v1/openai/chat/completions', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: JSON.stringify(chatBody({ model })),
        }),
        { origin: ORIGIN },
        kit.deps,
      );
    expect(await refusal(await plain('gpt-4o'))).toMatchObject({ status: 403, type: 'model_not_granted' });
    const response = await plain('gpt-4o-mini');
    expect(response.status).toBe(200);
    await response.text();
    expect(kit.sent[0]?.headers.get('content-type')).toBe('application/json');
  });

  it('refuses a locked vault and a missing key', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    kit.locked.value = true;
    expect(await refusal(await call(token))).toMatchObject({ status: 503, type: 'vault_locked' });
    kit.locked.value = false;
    kit.keys.delete('openai');
    expect(await refusal(await call(token))).toMatchObject({ status: 403, type: 'no_key' });
  });

  it('refuses a model with no known price under a spend limit, until the user sets one', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', limits: { daily_spend: 1 } }]));
    const custom = chatBody({ model: 'my-finetune-xyz' });
    const refused = await call(token, ORIGIN, custom);
    const json = (await refused.clone().json()) as { error: { message: string } };
    expect(await refusal(refused)).toMatchObject({ status: 403, type: 'price_unknown' });
    expect(json.error.message).toMatch(/my-finetune-xyz.*Settings/);
    kit.overrides.push({ provider: 'openai', model: 'my-finetune-*', inputPerMTok: 1, outputPerMTok: 1 });
    // aimock answers any model; the vault now knows a price.
    const response = await call(token, ORIGIN, custom);
    expect(response.status).toBe(200);
  });

  it('needs no price without a spend limit', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai' }]));
    const response = await call(token, ORIGIN, chatBody({ model: 'my-finetune-xyz' }));
    expect(response.status).toBe(200);
    await response.text();
    expect(kit.usage.rows[0]).toMatchObject({ status: 200, inputTokens: 10 });
    expect(kit.usage.rows[0]?.costUsd).toBeUndefined();
  });
});

describe('limits', () => {
  it('lets exactly requests_per_minute of 50 concurrent calls through', async () => {
    const token = kit.grant(makeGrant([{ provider: 'openai', limits: { requests_per_minute: 10 } }]));
    const responses = await Promise.all(Array.from({ length: 50 }, () => call(token)));
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(limited).toHaveLength(40);
    expect(limited[0]?.headers.get('retry-after')).toBe('60');
    expect(await refusal(limited[0]!)).toMatchObject({ type: 'rate_limited' });
    await Promise.all(ok.map((r) => r.text()));
    expect(mock.getRequests()).toHaveLength(10);
  });

  it('never lets concurrent calls overrun a budget, and says not to retry', async () => {
    // Each call reserves its bytes plus 4,096 tokens of overhead as input (~$0.0104) and 1000
    // output tokens of gpt-4o ($0.01): ~$0.0204; the budget holds three.
    const token = kit.grant(makeGrant([{ provider: 'openai', limits: { daily_spend: 0.07 } }]));
    const body = chatBody({ max_tokens: 1000 });
    const responses = await Promise.all(Array.from({ length: 20 }, () => call(token, ORIGIN, body)));
    const ok = responses.filter((r) => r.status === 200);
    expect(ok).toHaveLength(3);
    const exhausted = responses.find((r) => r.status === 429);
    expect(exhausted?.headers.get('x-should-retry')).toBe('false');
    expect(exhausted?.headers.get('retry-after')).toBeNull();
    expect(await refusal(exhausted!)).toMatchObject({ type: 'budget_exhausted' });
    await Promise.all(ok.map((r) => r.text()));
    // Settled to the real (much smaller) cost, the budget has room again.
    const again = await call(token, ORIGIN, body);
    expect(again.status).toBe(200);
    await again.text();
    await kit.ledger.flush();
    expect(kit.store.reservations.size).toBe(0);
  });
});
