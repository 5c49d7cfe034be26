import { describe, expect, it } from 'vitest';
import { testKdf } from '../../test/support/vault-fixtures';
import { createEnvelope, openEnvelope, WrongPassphraseError } from './envelope';

describe('envelope', () => {
  it('opens the data key with the right passphrase', async () => {
    const { dataKey, header } = await createEnvelope('correct horse battery', testKdf);
    expect((await openEnvelope('correct horse battery', header, testKdf)).dataKey).toEqual(dataKey);
  });

  it('refuses a wrong passphrase', async () => {
    const { header } = await createEnvelope('correct horse battery', testKdf);
    await expect(openEnvelope('correct horse battery!', header, testKdf)).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('refuses a wrapped key with any byte changed', async () => {
    const { header } = await createEnvelope('correct horse battery', testKdf);
    for (const field of ['nonce', 'ciphertext'] as const) {
      const bytes = header.wrappedKey[field].slice();
      bytes[3]! ^= 0x10;
      const tampered = { ...header, wrappedKey: { ...header.wrappedKey, [field]: bytes } };
      await expect(openEnvelope('correct horse battery', tampered, testKdf)).rejects.toBeInstanceOf(WrongPassphraseError);
    }
  });

  it('re-wraps under stronger parameters when the default rises', async () => {
    const { dataKey, header } = await createEnvelope('correct horse battery', testKdf);
    const stronger = { ...testKdf, iterations: 2, memoryKiB: 12 * 1024 };
    const { dataKey: opened, upgraded } = await openEnvelope('correct horse battery', header, stronger);
    expect(opened).toEqual(dataKey);
    expect(upgraded?.kdf).toMatchObject({ iterations: 2, memoryKiB: 12 * 1024 });
    expect(upgraded?.kdf.salt).not.toEqual(header.kdf.salt);
    expect((await openEnvelope('correct horse battery', upgraded!, stronger)).upgraded).toBeUndefined();
  });
});
