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
