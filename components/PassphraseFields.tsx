import { useEffect, useState } from 'react';
import { MIN_PASSPHRASE_LENGTH } from '@/lib/vault/vault';
import type { passphraseStrength } from './strength';

/**
 * The estimator's dictionaries are most of a megabyte gzipped: they load apart, when a passphrase
 * is being chosen, so no page pays for them on open. Until then the length rule is the hint.
 */
function useEstimator(): typeof passphraseStrength | undefined {
  const [estimate, setEstimate] = useState<typeof passphraseStrength>();
  useEffect(() => void import('./strength').then((m) => setEstimate(() => m.passphraseStrength)), []);
  return estimate;
}

/** "Passphrase" and "Confirm passphrase" with a strength hint; reports the passphrase once both agree and it is long enough. */
export function PassphraseFields({ onChange, label = 'Passphrase' }: { onChange: (passphrase?: string) => void; label?: string }) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const estimate = useEstimator();
  const strength = estimate && first.length >= MIN_PASSPHRASE_LENGTH ? estimate(first) : { score: 0, label: `Too short: use at least ${MIN_PASSPHRASE_LENGTH} characters` };
  const mismatch = second !== '' && first !== second;

  function update(nextFirst: string, nextSecond: string) {
    setFirst(nextFirst);
    setSecond(nextSecond);
    onChange(nextFirst.length >= MIN_PASSPHRASE_LENGTH && nextFirst === nextSecond ? nextFirst : undefined);
  }

  return (
    <>
      <label>
        {label}
        <input type="password" autoComplete="new-password" value={first} aria-describedby="strength" onChange={(e) => update(e.target.value, second)} />
      </label>
      <p id="strength" className={first ? `strength s${strength.score}` : "strength"} aria-live="polite">
        {first ? strength.label : `At least ${MIN_PASSPHRASE_LENGTH} characters. A few unrelated words work well.`}
      </p>
      <label>
        Confirm {label.toLowerCase()}
        <input type="password" autoComplete="new-password" value={second} onChange={(e) => update(first, e.target.value)} />
      </label>
      {mismatch && <p className="warning">The two passphrases differ.</p>}
    </>
  );
}
