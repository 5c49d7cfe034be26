import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { toBase64Url, utf8 } from '../encoding/base64';

/** `okap_` + 32 random bytes in base64url (43 characters): 256 bits, unguessable. */
export function newToken(): string {
  return `okap_${toBase64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** The index a token is found by. A hash, so the grants table alone never yields a usable token. */
export function hashToken(token: string): string {
  return bytesToHex(sha256(utf8.encode(token)));
}
