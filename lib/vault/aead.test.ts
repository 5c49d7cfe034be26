import { describe, expect, it } from 'vitest';
import { open, openText, seal, SealError, sealText } from './aead';

const key = crypto.getRandomValues(new Uint8Array(32));

describe('sealed records', () => {
  it('round-trips', () => {
    expect(openText(key, 'key:1', sealText(key, 'key:1', 'sk-secret-value'))).toBe('sk-secret-value');
  });

  it('uses a fresh nonce every time', () => {
    const a = sealText(key, 'key:1', 'same');
    const b = sealText(key, 'key:1', 'same');
    expect(a.nonce).not.toEqual(b.nonce);
    expect(a.ciphertext).not.toEqual(b.ciphertext);
  });

  it('fails to open when any byte of the ciphertext or nonce changes', () => {
    const sealed = seal(key, 'key:1', new TextEncoder().encode('sk-secret-value'));
    for (let i = 0; i < sealed.ciphertext.length; i++) {
      const ciphertext = sealed.ciphertext.slice();
      ciphertext[i]! ^= 0x01;
      expect(() => open(key, 'key:1', { ...sealed, ciphertext })).toThrow(SealError);
    }
    for (let i = 0; i < sealed.nonce.length; i++) {
      const nonce = sealed.nonce.slice();
      nonce[i]! ^= 0x80;
      expect(() => open(key, 'key:1', { ...sealed, nonce })).toThrow(SealError);
    }
  });

  it('binds a record to its id: swapped ciphertexts do not open', () => {
    const one = sealText(key, 'key:1', 'first');
    const two = sealText(key, 'key:2', 'second');
    expect(() => open(key, 'key:1', two)).toThrow(SealError);
    expect(() => open(key, 'key:2', one)).toThrow(SealError);
  });

  it('fails under another data key', () => {
    const other = crypto.getRandomValues(new Uint8Array(32));
    expect(() => open(other, 'key:1', sealText(key, 'key:1', 'x'))).toThrow(SealError);
  });
});
