import { describe, expect, it } from 'vitest';
import { passphraseStrength } from '../../components/strength';

describe('passphrase strength (zxcvbn-ts)', () => {
  it('calls a common password weak and says why', () => {
    const weak = passphraseStrength('password1234');
    expect(weak.score).toBeLessThanOrEqual(1);
    expect(weak.label).toMatch(/common|guess|password/i);
  });

  it('calls a keyboard walk weak', () => {
    expect(passphraseStrength('qwertyuiop123').score).toBeLessThanOrEqual(2);
  });

  it('calls a few unrelated words strong', () => {
    expect(passphraseStrength('violet harbor lantern 42 quietly').score).toBeGreaterThanOrEqual(3);
  });

  it('still insists on the minimum length first', () => {
    expect(passphraseStrength('Xk#9').label).toMatch(/Too short/);
  });
});
