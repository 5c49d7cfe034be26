import { describe, expect, it } from 'vitest';
import { makeVault, memorySession, testKdf } from '../../test/support/vault-fixtures';
import { KeyStore } from './keys';
import { Vault } from './vault';

const PASS = 'correct horse battery';

describe('vault lock state', () => {
  it('creates, locks and unlocks', async () => {
    const { vault } = makeVault();
    expect(await vault.status()).toMatchObject({ exists: false, unlocked: false });
    await vault.create(PASS);
    expect(await vault.status()).toMatchObject({ exists: true, unlocked: true });
    await vault.lock();
    expect(() => vault.requireKey()).toThrow(/locked/);
    await vault.unlock(PASS);
    expect(vault.isUnlocked).toBe(true);
  });

  it('refuses a short passphrase and a second vault', async () => {
    const { vault } = makeVault();
    await expect(vault.create('short')).rejects.toMatchObject({ code: 'weak_passphrase' });
    await vault.create(PASS);
    await expect(vault.create(PASS)).rejects.toMatchObject({ code: 'vault_exists' });
  });

  it('a wrong passphrase changes nothing but the failure count', async () => {
    const { vault, db } = makeVault();
    await vault.create(PASS);
    await vault.lock();
    const header = await db.meta.get('header');
    await expect(vault.unlock('wrong passphrase')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(vault.isUnlocked).toBe(false);
    expect(await db.meta.get('header')).toEqual(header);
  });

  it('after five wrong tries the next waits, and the wait survives a new worker', async () => {
    const { vault, db, clock, session } = makeVault();
    await vault.create(PASS);
    await vault.lock();
    for (let i = 1; i < 5; i++) await expect(vault.unlock(`wrong ${i} passphrase`)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const fifth = await vault.unlock('wrong 5 passphrase').catch((e: unknown) => e);
    expect(fifth).toMatchObject({ code: 'locked_out', retryAt: clock.now + 30_000 });
    // A restarted worker reads the same database: even the right passphrase must wait.
    const again = new Vault({ db, session, now: () => clock.now, kdfCost: testKdf });
    await expect(again.unlock(PASS)).rejects.toMatchObject({ code: 'locked_out' });
    expect((await again.status()).retryAt).toBe(clock.now + 30_000);
    clock.now += 30_001;
    await again.unlock(PASS);
    expect(await again.status()).toMatchObject({ failures: 0, retryAt: 0 });
  });

  it('parallel guesses cannot slip past the lockout', async () => {
    const { vault } = makeVault();
    await vault.create(PASS);
    await vault.lock();
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => vault.unlock(`wrong guess ${i}`)));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    expect(codes.filter((c) => c === 'wrong_passphrase')).toHaveLength(4);
    expect(codes.filter((c) => c === 'locked_out')).toHaveLength(4);
  });

  it('a restarted worker stays unlocked until the auto-lock interval has passed', async () => {
    const { vault, db, clock, session } = makeVault();
    await vault.create(PASS);
    const restarted = new Vault({ db, session, now: () => clock.now, kdfCost: testKdf });
    await restarted.restore();
    expect(restarted.requireKey()).toEqual(vault.requireKey());
    clock.now += 30 * 60_000;
    const late = new Vault({ db, session, now: () => clock.now, kdfCost: testKdf });
    await late.restore();
    expect(late.isUnlocked).toBe(false);
    expect(await session.get()).toBeUndefined();
  });

  it('auto-locks after inactivity, and activity pushes the deadline back', async () => {
    const { vault, clock } = makeVault();
    await vault.create(PASS);
    await vault.updateSettings({ autoLockMinutes: 5 });
    clock.now += 4 * 60_000;
    await vault.touch();
    clock.now += 4 * 60_000;
    expect(await vault.checkAutoLock()).toBe(false);
    clock.now += 60_000;
    expect(await vault.checkAutoLock()).toBe(true);
    expect(vault.isUnlocked).toBe(false);
  });

  it('changing the passphrase keeps every key readable; a wrong current one changes nothing', async () => {
    const { vault, db } = makeVault();
    await vault.create(PASS);
    const keys = new KeyStore(db, () => vault.requireKey());
    const added = await keys.add({ kind: 'openai', secret: 'sk-test-0123456789abcdef' });
    const before = await db.meta.get('header');
    await expect(vault.changePassphrase('not the passphrase', 'a brand new passphrase')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(await db.meta.get('header')).toEqual(before);
    await vault.changePassphrase(PASS, 'a brand new passphrase');
    await vault.lock();
    await expect(vault.unlock(PASS)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await vault.unlock('a brand new passphrase');
    expect((await keys.reveal(added.id)).secret).toBe('sk-test-0123456789abcdef');
  });

  it('unlock re-wraps under the raised KDF default', async () => {
    const session = memorySession();
    const { vault, db } = makeVault({ session });
    await vault.create(PASS);
    await vault.lock();
    const stronger = { ...testKdf, iterations: 2 };
    const upgraded = new Vault({ db, session, kdfCost: stronger });
    await upgraded.unlock(PASS);
    const header = (await db.meta.get('header'))?.value as { kdf: { iterations: number } };
    expect(header.kdf.iterations).toBe(2);
  });
});

describe('settings', () => {
  it('a change to one setting leaves the others as they were', async () => {
    const { vault } = makeVault();
    await vault.create(PASS);
    await vault.updateSettings({ defaultExpiryDays: 7, timeZone: 'Asia/Tokyo' });
    await vault.updateSettings({ autoLockMinutes: 5 });
    expect(await vault.settings()).toMatchObject({ autoLockMinutes: 5, defaultExpiryDays: 7, timeZone: 'Asia/Tokyo' });
    await expect(vault.updateSettings({ timeZone: 'Mars/Olympus' })).rejects.toThrow();
  });
});
