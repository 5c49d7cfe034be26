import { z } from 'zod';
import { open, seal, SealError, sealedSchema } from './aead';
import { defaultKdfCost, deriveKek, isWeakerThan, kdfParamsSchema, newKdfParams, type KdfCost } from './kdf';

/** Associated data of the wrapped data key: it can only ever be opened as a data key. */
const DATA_KEY_AD = 'okap-vault/data-key/v1';

/** What the passphrase opens: the KDF parameters and salt, and the data key wrapped under the KEK. */
export const vaultHeaderSchema = z.object({
  format: z.literal(1),
  kdf: kdfParamsSchema,
  wrappedKey: sealedSchema,
});
export type VaultHeader = z.infer<typeof vaultHeaderSchema>;

export class WrongPassphraseError extends Error {
  readonly code = 'wrong_passphrase';
  constructor() {
    super('Wrong passphrase');
  }
}

export async function wrapDataKey(passphrase: string, dataKey: Uint8Array, cost: KdfCost = defaultKdfCost): Promise<VaultHeader> {
  const kdf = newKdfParams(cost);
  const kek = await deriveKek(passphrase, kdf);
  return { format: 1, kdf, wrappedKey: seal(kek, DATA_KEY_AD, dataKey) };
}

export async function createEnvelope(passphrase: string, cost: KdfCost = defaultKdfCost) {
  const dataKey = crypto.getRandomValues(new Uint8Array(32));
  return { dataKey, header: await wrapDataKey(passphrase, dataKey, cost) };
}

/**
 * Opens the data key. When the header's KDF is weaker than `wanted`, it also returns a header
 * re-wrapped under the stronger parameters, which the caller stores.
 */
export async function openEnvelope(
  passphrase: string,
  header: VaultHeader,
  wanted: KdfCost = defaultKdfCost,
): Promise<{ dataKey: Uint8Array; upgraded?: VaultHeader }> {
  const kek = await deriveKek(passphrase, header.kdf);
  let dataKey: Uint8Array;
  try {
    dataKey = open(kek, DATA_KEY_AD, header.wrappedKey);
  } catch (error) {
    if (error instanceof SealError) throw new WrongPassphraseError();
    throw error;
  }
  if (!isWeakerThan(header.kdf, wanted)) return { dataKey };
  return { dataKey, upgraded: await wrapDataKey(passphrase, dataKey, wanted) };
}
