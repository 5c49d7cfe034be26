import { describe, expect, it } from 'vitest';
import { makeVault, testKdf } from '../../test/support/vault-fixtures';
import { applyImport, exportBackup, MAX_BACKUP_KDF, openBackup, planImport } from './backup';
import { ImportPlans } from './import-plans';
import { vaultService } from './service';
import { KeyStore } from './keys';

const PASS = 'correct horse battery';

async function vaultWithKeys() {
  const setup = makeVault();
  await setup.vault.create(PASS);
  const keys = new KeyStore(setup.db, () => setup.vault.requireKey());
  await keys.add({ kind: 'openai', label: 'Work', secret: 'sk-proj-AAAAAAAAAAAAAAAAwork' });
  await keys.add({ kind: 'anthropic', label: 'Home', secret: 'sk-ant-BBBBBBBBBBBBBBBBhome' });
  return { ...setup, keys };
}

describe('backup', () => {
  it('round-trips into another vault, with no plaintext in the file', async () => {
    const source = await vaultWithKeys();
    const file = await exportBackup(source.db, source.vault.requireKey(), PASS, new Date(), testKdf);
    expect(file).not.toContain('AAAAAAAAAAAAAAAA');
    expect(file).not.toContain('Work');

    const target = makeVault();
    await target.vault.create('another passphrase!');
    const payload = await openBackup(file, PASS);
    const plan = await planImport(target.db, payload, 'merge');
    expect(plan.map((c) => c.action)).toEqual(['add', 'add']);
    await applyImport(target.db, target.vault.requireKey(), payload, 'merge');
    const keys = new KeyStore(target.db, () => target.vault.requireKey());
    const list = await keys.list();
    expect(list.map((k) => k.label)).toEqual(['Work', 'Home']);
    expect(list.every((k) => k.isDefault)).toBe(true);
    expect((await keys.reveal(list[0]!.id)).secret).toBe('sk-proj-AAAAAAAAAAAAAAAAwork');
  });

  it('replace removes keys the backup does not have, and says so first', async () => {
    const source = await vaultWithKeys();
    const file = await exportBackup(source.db, source.vault.requireKey(), PASS, new Date(), testKdf);
    const target = await vaultWithKeys();
    const payload = await openBackup(file, PASS);
    const plan = await planImport(target.db, payload, 'replace');
    expect(plan.filter((c) => c.action === 'remove')).toHaveLength(2);
    await applyImport(target.db, target.vault.requireKey(), payload, 'replace');
    expect(await target.keys.list()).toHaveLength(2);
  });

  it('refuses a corrupted, foreign or wrongly-locked file, and nothing changes', async () => {
    const source = await vaultWithKeys();
    const file = await exportBackup(source.db, source.vault.requireKey(), PASS, new Date(), testKdf);
    const parsed = JSON.parse(file) as { ciphertext: string };
    const flipped = parsed.ciphertext.slice(0, 10) + (parsed.ciphertext[10] === 'A' ? 'B' : 'A') + parsed.ciphertext.slice(11);
    const corrupted = JSON.stringify({ ...parsed, ciphertext: flipped });
    const before = await source.db.keys.toArray();
    for (const [text, pass] of [
      [corrupted, PASS],
      [file, 'not the passphrase'],
      ['{"hello": "world"}', PASS],
      ['not json at all', PASS],
      [file.slice(0, file.length / 2), PASS],
    ] as const) {
      await expect(openBackup(text, pass)).rejects.toMatchObject({ code: 'bad_backup' });
    }
    expect(await source.db.keys.toArray()).toEqual(before);
  });
});

describe('what a backup may ask of the importing vault', () => {
  it('refuses a file whose KDF cost is far above any this wallet makes, before deriving anything', async () => {
    const source = await vaultWithKeys();
    const file = JSON.parse(await exportBackup(source.db, source.vault.requireKey(), PASS, new Date(), testKdf)) as { kdf: object };
    for (const kdf of [{ memoryKiB: 512 * 1024 }, { iterations: 64 }, { memoryKiB: 256 * 1024, iterations: 4 }]) {
      const text = JSON.stringify({ ...file, kdf: { ...file.kdf, ...kdf } });
      await expect(openBackup(text, PASS)).rejects.toMatchObject({ code: 'bad_backup', message: expect.stringContaining('key-derivation cost') });
    }
    // The shipped default (64 MiB, t=3) stays well inside the bound.
    expect(MAX_BACKUP_KDF.work).toBeGreaterThanOrEqual(64 * 1024 * 3);
  });

  it('a replace import lists the settings it would change, and warns of a $0 "*" price that disables spend limits', async () => {
    const source = await vaultWithKeys();
    await source.vault.updateSettings({
      priceOverrides: [{ provider: 'openai', model: '*', inputPerMTok: 0, outputPerMTok: 0 }],
      defaultLimits: { requests_per_minute: 1000 },
      autoLockMinutes: 1440,
    });
    const file = await exportBackup(source.db, source.vault.requireKey(), PASS, new Date(), testKdf);
    const target = makeVault();
    await target.vault.create('another passphrase!');
    const service = vaultService({ db: target.db, vault: target.vault, plans: new ImportPlans(), fetch });
    const replace = await service.previewImport({ text: file, passphrase: PASS, mode: 'replace' });
    expect(replace.settings.map((c) => c.setting)).toEqual(['Auto-lock', 'Default limits for new apps', 'Price override']);
    expect(replace.settings.find((c) => c.setting === 'Price override')?.warning).toMatch(/spend limits would never stop/);
    expect(replace.settings.find((c) => c.setting === 'Default limits for new apps')?.warning).toMatch(/no spend limit/);
    const merge = await service.previewImport({ text: file, passphrase: PASS, mode: 'merge' });
    expect(merge.settings).toEqual([]);
  });
});
