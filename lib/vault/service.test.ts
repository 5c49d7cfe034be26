import { describe, expect, it } from 'vitest';
import { makeVault } from '../../test/support/vault-fixtures';
import { ImportPlans } from './import-plans';
import { vaultService } from './service';

describe('the vault service while locked', () => {
  it('refuses to list or change keys and settings', async () => {
    const { vault, db } = makeVault();
    const service = vaultService({ db, vault, plans: new ImportPlans(), fetch });
    await service.create({ passphrase: 'correct horse battery' });
    const key = await service.addKey({ kind: 'openai', secret: 'sk-test-0123456789abcdef' });
    await service.lock(undefined);
    for (const attempt of [
      () => service.listKeys(undefined),
      () => service.editKey({ id: key.id, baseUrl: 'https://attacker.example/v1' }),
      () => service.updateSettings({ autoLockMinutes: 1440 }),
      () => service.settings(undefined),
      () => service.deleteKey({ id: key.id }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'vault_locked' });
    }
    expect((await db.keys.get(key.id))?.baseUrl).toBe('');
  });
});

describe('a key leaves for a new host only with the passphrase', () => {
  async function setup() {
    const { vault, db } = makeVault();
    const service = vaultService({ db, vault, plans: new ImportPlans(), fetch });
    await service.create({ passphrase: 'correct horse battery' });
    const key = await service.addKey({ kind: 'openai', secret: 'sk-test-0123456789abcdef', baseUrl: 'https://api.openai.com/v1' });
    return { service, db, key };
  }

  it('refuses a new Base URL host without the passphrase, or with a wrong one, and changes nothing', async () => {
    const { service, db, key } = await setup();
    await expect(service.editKey({ id: key.id, baseUrl: 'https://attacker.example/v1' })).rejects.toMatchObject({
      code: 'passphrase_required',
      message: expect.stringContaining('attacker.example'),
    });
    await expect(service.editKey({ id: key.id, baseUrl: 'https://attacker.example/v1', passphrase: 'not it at all' })).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    await expect(service.editKey({ id: key.id, baseUrl: '' })).rejects.toMatchObject({ code: 'passphrase_required' });
    expect((await db.keys.get(key.id))?.baseUrl).toBe('https://api.openai.com/v1');
  });

  it('applies a new host with the passphrase; a label or a path on the same host needs none', async () => {
    const { service, db, key } = await setup();
    await service.editKey({ id: key.id, label: 'Renamed', baseUrl: 'https://api.openai.com/v2' });
    expect(await db.keys.get(key.id)).toMatchObject({ label: 'Renamed', baseUrl: 'https://api.openai.com/v2' });
    await service.editKey({ id: key.id, baseUrl: 'https://llm.example/v1', passphrase: 'correct horse battery' });
    expect((await db.keys.get(key.id))?.baseUrl).toBe('https://llm.example/v1');
  });
});
