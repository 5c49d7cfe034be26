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
    db.close();
  });
});
