/**
 * A rough strength hint: length and variety. The rule that matters is the minimum length; this only
 * nudges people toward long passphrases, which Argon2id then makes slow to guess.
 */
export function passphraseStrength(passphrase: string): { score: 0 | 1 | 2 | 3; label: string } {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(passphrase)).length;
  const words = passphrase.trim().split(/\s+/).length;
  const bits = passphrase.length * Math.log2([0, 26, 52, 62, 94][classes] ?? 26) * (new Set(passphrase).size > 4 ? 1 : 0.3);
  if (passphrase.length < 10) return { score: 0, label: 'Too short: use at least 10 characters' };
  if (bits < 60 && words < 4) return { score: 1, label: 'Weak: add words or characters' };
  if (bits < 90 && words < 5) return { score: 2, label: 'Fair' };
  return { score: 3, label: 'Strong' };
}
