import { LLMock } from '@copilotkit/aimock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VaultDb } from '../db/schema';
import { AI_MODEL_ACCESS, type GrantedAuthorizationDetail, type Limits } from '../protocol';
import { handle } from '../proxy/handle';
import { appRequest, chatBody, makeKit, ORIGIN, REAL_KEY, T0, type Kit } from '../proxy/test-kit';
import { GrantStore } from './store';

// The Apps page's controls, end to end through the real grant store (cache included) and the proxy:
// what a granted app notices on its very next call.
let mock: LLMock;
let kit: Kit;
let store: GrantStore;

beforeAll(async () => {
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.onMessage('hello', { content: 'Hi', usage: { prompt_tokens: 10, completion_tokens: 5 } });
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  kit = makeKit(mock.url);
  store = new GrantStore(new VaultDb(`controls-${Math.random()}`), () => new Uint8Array(32).fill(7), () => kit.clock.now);
  kit.deps.grants = store;
});

const detail = (models: string[], limits?: Limits): GrantedAuthorizationDetail => ({
  type: AI_MODEL_ACCESS,
  provider: 'openai',
  models,
  ...(limits ? { limits } : {}),
  expires: new Date(T0 + 30 * 86_400_000).toISOString(),
  base_url: 'https://okap.invalid/v1/openai',
});

async function issue(models = ['gpt-4o'], limits?: Limits) {
  const { grant, response } = await store.issue(ORIGIN, { name: 'Chat' }, [detail(models, limits)]);
  return { id: grant.id, token: response.token };
}

async function call(token: string, model = 'gpt-4o'): Promise<{ status: number; body: { error?: { type: string; message: string } } }> {
  const response = await handle(appRequest('openai', '/chat/completions', { json: chatBody({ model }), headers: { authorization: `Bearer ${token}` } }), { origin: ORIGIN }, kit.deps);
  return { status: response.status, body: (await response.json()) as never };
}

describe('pause and resume', () => {
  it('a paused grant answers 403 token_paused in the provider’s shape and sends nothing; Resume restores it', async () => {
    const { id, token } = await issue();
    expect((await call(token)).status).toBe(200);
    await store.findByToken(token); // cached, as every call leaves it
    await store.setPaused(id, true);
    const paused = await call(token);
    expect(paused.status).toBe(403);
    expect(paused.body.error).toMatchObject({ type: 'token_paused' });
    expect(kit.sent).toHaveLength(1);
    await store.setPaused(id, false);
    expect((await call(token)).status).toBe(200);
    expect(kit.sent).toHaveLength(2);
  });

  it('a revoked grant says revoked, paused or not, and cannot be resumed', async () => {
    const { id, token } = await issue();
    await store.setPaused(id, true);
    await store.revoke(id);
    expect((await call(token)).body.error?.type).toBe('token_revoked');
    await expect(store.setPaused(id, false)).rejects.toThrow(/no longer live/);
    expect((await call(token)).body.error?.type).toBe('token_revoked');
  });

  it('survives a restart of the store (it is stored, not only cached)', async () => {
    const db = new VaultDb(`controls-restart-${Math.random()}`);
    const first = new GrantStore(db, () => new Uint8Array(32).fill(7), () => kit.clock.now);
    const { grant, response } = await first.issue(ORIGIN, { name: 'Chat' }, [detail(['gpt-4o'])]);
    await first.setPaused(grant.id, true);
    kit.deps.grants = new GrantStore(db, () => new Uint8Array(32).fill(7), () => kit.clock.now);
    expect((await call(response.token)).body.error?.type).toBe('token_paused');
  });
});

describe('edits take effect on the next call', () => {
  it('a lowered daily spend limit holds the next call', async () => {
    const { id, token } = await issue(['gpt-4o'], { daily_spend: 5 });
    expect((await call(token)).status).toBe(200);
    await store.edit({ grantId: id, provider: 'openai', models: ['gpt-4o'], limits: { daily_spend: 0.000001 }, expires: null });
    const refused = await call(token);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.type).toBe('budget_exhausted');
    expect(kit.sent).toHaveLength(1);
    // Raised again, the grant serves again.
    await store.edit({ grantId: id, provider: 'openai', models: ['gpt-4o'], limits: { daily_spend: 5 }, expires: null });
    expect((await call(token)).status).toBe(200);
  });

  it('a model taken away is refused, one added is served', async () => {
    const { id, token } = await issue(['gpt-4o']);
    expect((await call(token, 'gpt-4o-mini')).body.error?.type).toBe('model_not_granted');
    await store.edit({ grantId: id, provider: 'openai', models: ['gpt-4o-mini'], limits: {}, expires: null });
    expect((await call(token, 'gpt-4o')).body.error?.type).toBe('model_not_granted');
    expect((await call(token, 'gpt-4o-mini')).status).toBe(200);
  });

  it('an earlier expiry ends the grant when it comes', async () => {
    const { id, token } = await issue();
    await store.edit({ grantId: id, provider: 'openai', models: ['gpt-4o'], limits: {}, expires: new Date(T0 + 60_000).toISOString() });
    expect((await call(token)).status).toBe(200);
    kit.clock.now = T0 + 61_000;
    expect((await call(token)).body.error?.type).toBe('token_expired');
  });

  it('refuses an edit that makes no sense and changes nothing', async () => {
    const { id, token } = await issue(['gpt-4o'], { daily_spend: 5 });
    const before = await store.findByToken(token);
    await expect(store.edit({ grantId: id, provider: 'openai', models: [], limits: {}, expires: null })).rejects.toThrow(/at least one model/);
    await expect(store.edit({ grantId: id, provider: 'openai', models: ['gpt-4o'], limits: {}, expires: new Date(T0 - 1).toISOString() })).rejects.toThrow(/future/);
    await expect(store.edit({ grantId: id, provider: 'anthropic', models: ['x'], limits: {}, expires: null })).rejects.toThrow(/does not cover/);
    await expect(store.edit({ grantId: 'nope', provider: 'openai', models: ['gpt-4o'], limits: {}, expires: null })).rejects.toThrow(/no longer live/);
    expect(await store.findByToken(token)).toEqual(before);
    expect((await store.list())[0]).toEqual(before);
  });
});
