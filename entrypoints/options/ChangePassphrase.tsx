import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import { PassphraseFields } from '@/components/PassphraseFields';
import { callVault } from '@/utils/vault-client';

export function ChangePassphrase() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [form, setForm] = useState(0);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!next) return;
    setError(undefined);
    setDone(false);
    try {
      await callVault('changePassphrase', { current, next });
      setDone(true);
      setCurrent('');
      setForm((n) => n + 1);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <form onSubmit={submit} className="card stack" aria-label="Change passphrase">
      <h3>Change passphrase</h3>
      <label>
        Current passphrase
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <PassphraseFields key={form} label="New passphrase" onChange={setNext} />
      <button type="submit" disabled={!current || !next}>
        Change passphrase
      </button>
      {done && <p role="status">Passphrase changed.</p>}
      <ErrorText error={error} />
    </form>
  );
}
