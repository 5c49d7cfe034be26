import { describe, expect, it } from 'vitest';
import { VaultDb } from '../db/schema';
import { AI_MODEL_ACCESS, type GrantedAuthorizationDetail } from '../protocol';
import { GrantStore } from './store';
import { hashToken } from './token';

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;
const APP = 'https://app.example';
const OTHER = 'https://other.example';
let dbs = 0;

function setup() {
  const clock = { now: T0 };
  const db = new VaultDb(`grants-test-${Date.now()}-${dbs++}`);
  const dataKey = crypto.getRandomValues(new Uint8Array(32));
  const store = new GrantStore(db, () => dataKey, () => clock.now);
  return { db, store, clock, dataKey };
}

const detail = (provider: string, expiresIn = DAY): GrantedAuthorizationDetail => ({
  type: AI_MODEL_ACCESS,
  provider,
  models: ['gpt-4o-mini'],
  expires: new Date(T0 + expiresIn).toISOString(),
  base_url: `https://okap.invalid/v1/${provider}`,
});

describe('the grant store', () => {
  it('issues a token it keeps only hashed and sealed, and finds the grant by it, also from a cold store', async () => {
    const { db, store, dataKey, clock } = setup();
    const { grant, response } = await store.issue(APP, { name: 'App' }, [detail('openai')]);
    expect(response.token).toMatch(/^okap_[A-Za-z0-9_-]{43}$/);
    const row = await db.grants.get(grant.id);
    expect(row?.tokenHash).toBe(hashToken(response.token));
    expect(JSON.stringify(row)).not.toContain(response.token);
    expect(grant).not.toHaveProperty('token');
    expect(grant.expiresAt).toBe(T0 + DAY);

    const cold = new GrantStore(db, () => dataKey, () => clock.now);
    expect((await cold.findByToken(response.token))?.id).toBe(grant.id);
    expect(await cold.findByToken(`okap_${'A'.repeat(43)}`)).toBeUndefined();
  });

  it("answers an origin with its own live grants only: not another origin's, not expired, not revoked", async () => {
    const { store, clock } = setup();
    const kept = await store.issue(APP, { name: 'App' }, [detail('openai', 2 * DAY)]);
    const revoked = await store.issue(APP, { name: 'App' }, [detail('anthropic', 2 * DAY)]);
    await store.issue(APP, { name: 'App' }, [detail('google', DAY / 2)]);
    await store.issue(OTHER, { name: 'Other' }, [detail('openai', 2 * DAY)]);
    await store.revoke(revoked.grant.id);
    clock.now = T0 + DAY;
    const responses = await store.responsesFor(APP);
    expect(responses.map((r) => r.token)).toEqual([kept.response.token]);
  });

  it("never lets an origin give up another origin's token, and lets it give up its own once", async () => {
    const { store } = setup();
    const { grant, response } = await store.issue(APP, { name: 'App' }, [detail('openai')]);
    expect(await store.revokeToken(OTHER, response.token)).toBeUndefined();
    expect((await store.findByToken(response.token))?.revokedAt).toBe(0);

    const given = await store.revokeToken(APP, response.token);
    expect(given).toMatchObject({ id: grant.id, revokedAt: T0 });
    expect((await store.findByToken(response.token))?.revokedAt).toBe(T0);
    expect(await store.responsesFor(APP)).toEqual([]);
  });

  it('a revocation sticks: revoking twice keeps the first time, and a cold store sees it', async () => {
    const { db, store, clock, dataKey } = setup();
    const { grant, response } = await store.issue(APP, { name: 'App' }, [detail('openai')]);
    await store.revoke(grant.id);
    clock.now = T0 + 5000;
    expect((await store.revoke(grant.id))?.revokedAt).toBe(T0);
    const cold = new GrantStore(db, () => dataKey, () => clock.now);
    expect((await cold.findByToken(response.token))?.revokedAt).toBe(T0);
    expect(await store.revoke('no-such-grant')).toBeUndefined();
  });

  it('tells which token a grant had, so its pages can be told it stopped working', async () => {
    const { store } = setup();
    const { grant, response } = await store.issue(APP, { name: 'App' }, [detail('openai')]);
    expect(await store.tokenOf(grant.id)).toBe(response.token);
    expect(await store.tokenOf('no-such-grant')).toBeUndefined();
  });
});
