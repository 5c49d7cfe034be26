import { useState } from 'react';
import { MIN_PASSPHRASE_LENGTH } from '@/lib/vault/vault';
import { passphraseStrength } from './strength';

/** "Passphrase" and "Confirm passphrase" with a strength hint; reports the passphrase once both agree and it is long enough. */
export function PassphraseFields({ onChange, label = 'Passphrase' }: { onChange: (passphrase?: string) => void; label?: string }) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const strength = passphraseStrength(first);
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
      <p id="strength" className={`strength s${strength.score}`} aria-live="polite">
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
