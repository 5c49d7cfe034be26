import { argon2id } from 'hash-wasm';
import { z } from 'zod';

/**
 * Argon2id parameters, stored beside the salt in the vault header so that a later default can be
 * stronger: unlock notices the difference and re-wraps the data key under the new parameters.
 */
export const kdfParamsSchema = z.object({
  alg: z.literal('argon2id'),
  memoryKiB: z.number().int().min(8 * 1024).max(4 * 1024 * 1024),
  iterations: z.number().int().min(1).max(64),
  parallelism: z.number().int().min(1).max(16),
  salt: z.instanceof(Uint8Array).refine((salt) => salt.length >= 16, 'salt too short'),
});
export type KdfParams = z.infer<typeof kdfParamsSchema>;
export type KdfCost = Omit<KdfParams, 'salt'>;

/** Bitwarden's Argon2 defaults, OWASP's first choice: 64 MiB, 3 passes, 4 lanes. */
export const defaultKdfCost: KdfCost = { alg: 'argon2id', memoryKiB: 64 * 1024, iterations: 3, parallelism: 4 };

export function isWeakerThan(params: KdfCost, wanted: KdfCost): boolean {
  return (
    params.memoryKiB < wanted.memoryKiB || params.iterations < wanted.iterations || params.parallelism < wanted.parallelism
  );
}

export function newKdfParams(cost: KdfCost = defaultKdfCost): KdfParams {
  return { ...cost, salt: crypto.getRandomValues(new Uint8Array(16)) };
}

/** The 256-bit key-encryption key. NFC so that the same passphrase typed on another OS still opens. */
export async function deriveKek(passphrase: string, params: KdfParams): Promise<Uint8Array> {
  return argon2id({
    password: passphrase.normalize('NFC'),
    salt: params.salt,
    memorySize: params.memoryKiB,
    iterations: params.iterations,
    parallelism: params.parallelism,
    hashLength: 32,
    outputType: 'binary',
  });
}
