import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { VaultDb } from './schema';

describe('schema migrations', () => {
  it('version 2 opens a database written by version 1 and keeps its rows', async () => {
    const name = `migrate-${Date.now()}`;
    // Version 1 exactly as it shipped.
    const v1 = new Dexie(name);
    v1.version(1).stores({ meta: 'id', keys: 'id, providerId' });
    await v1.table('meta').put({ id: 'settings', value: { autoLockMinutes: 12 } });
    await v1.table('keys').put({ id: 'k1', providerId: 'openai', label: 'Old key' });
    v1.close();

    const db = new VaultDb(name);
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(2);
    expect(await db.meta.get('settings')).toEqual({ id: 'settings', value: { autoLockMinutes: 12 } });
    expect((await db.keys.where('providerId').equals('openai').first())?.label).toBe('Old key');
    expect(await db.grants.count()).toBe(0);
    expect(await db.usage.count()).toBe(0);
    db.close();
  });

  it('version 3 opens a database written by version 2 and keeps its grants', async () => {
    const name = `migrate2-${Date.now()}`;
    const v2 = new Dexie(name);
    v2.version(1).stores({ meta: 'id', keys: 'id, providerId' });
    v2.version(2).stores({ grants: 'id, &tokenHash, origin' });
    await v2.table('grants').put({ id: 'g1', tokenHash: 'ab', origin: 'https://app.example' });
    v2.close();

    const db = new VaultDb(name);
    await db.open();
    expect(db.verno).toBe(3);
    expect((await db.grants.where('tokenHash').equals('ab').first())?.origin).toBe('https://app.example');
    await db.counters.put({ grantId: 'g1', provider: 'openai', day: 'd', dayRequests: 1, daySpentUsd: 0, month: 'm', monthSpentUsd: 0, recent: [] });
    expect(await db.counters.get(['g1', 'openai'])).toMatchObject({ dayRequests: 1 });
    db.close();
  });
});
