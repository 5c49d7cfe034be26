import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { MIN_PASSPHRASE_LENGTH } from '../lib/vault/vault';

/**
 * The strength hint, from zxcvbn-ts (a maintained estimator that knows common passwords, names,
 * keyboard walks, dates and repeats) instead of a rule of our own; it also says why a passphrase
 * is weak. The minimum length stays the rule that decides; this only guides.
 */
const zxcvbn = new ZxcvbnFactory({
  translations: en.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...en.dictionary },
});

const LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'] as const;

export function passphraseStrength(passphrase: string): { score: 0 | 1 | 2 | 3 | 4; label: string } {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) return { score: 0, label: `Too short: use at least ${MIN_PASSPHRASE_LENGTH} characters` };
  const result = zxcvbn.check(passphrase.slice(0, 256));
  const score = result.score as 0 | 1 | 2 | 3 | 4;
  const why = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return { score, label: score >= 3 || !why ? LABELS[score] : `${LABELS[score]}: ${why}` };
}
