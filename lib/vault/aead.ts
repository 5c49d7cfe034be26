import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { z } from 'zod';
import { utf8 } from '../encoding/base64';

export const sealedSchema = z.object({
  nonce: z.instanceof(Uint8Array).refine((n) => n.length === 24, 'nonce must be 24 bytes'),
  ciphertext: z.instanceof(Uint8Array).refine((c) => c.length >= 16, 'ciphertext too short'),
});
export type Sealed = z.infer<typeof sealedSchema>;

/** Opening failed: wrong key, a changed byte, or a record moved under another id. */
export class SealError extends Error {
  readonly code = 'seal_broken';
  constructor() {
    super('The sealed data could not be opened');
  }
}

/**
 * XChaCha20-Poly1305 with a random 24-byte nonce (safe to draw at random for any number of records)
 * and the record's id as associated data, so swapping two records' ciphertexts fails to open.
 */
export function seal(key: Uint8Array, recordId: string, plaintext: Uint8Array): Sealed {
  const nonce = crypto.getRandomValues(new Uint8Array(24));
  return { nonce, ciphertext: xchacha20poly1305(key, nonce, utf8.encode(recordId)).encrypt(plaintext) };
}

export function open(key: Uint8Array, recordId: string, sealed: Sealed): Uint8Array {
  try {
    return xchacha20poly1305(key, sealed.nonce, utf8.encode(recordId)).decrypt(sealed.ciphertext);
  } catch {
    throw new SealError();
  }
}

export const sealText = (key: Uint8Array, recordId: string, text: string): Sealed => seal(key, recordId, utf8.encode(text));
export const openText = (key: Uint8Array, recordId: string, sealed: Sealed): string => utf8.decode(open(key, recordId, sealed));
