import { useState, type FormEvent } from 'react';
import { ReplyFailure } from '@/lib/messages/reply';
import type { VaultStatus } from '@/lib/vault/vault';
import { callVault } from '@/utils/vault-client';
import { ErrorText, messageOf } from './ErrorText';
import { useCountdown } from './useCountdown';

export function UnlockForm({ status, onUnlocked }: { status: VaultStatus; onUnlocked: (status: VaultStatus) => void }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [retryAt, setRetryAt] = useState(status.retryAt);
  const wait = useCountdown(retryAt);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onUnlocked(await callVault('unlock', { passphrase }));
    } catch (failure) {
      setError(messageOf(failure));
      if (failure instanceof ReplyFailure && failure.retryAt) setRetryAt(failure.retryAt);
      setPassphrase('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="stack">
      <label>
        Passphrase
        <input type="password" autoFocus autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <button type="submit" disabled={busy || wait > 0 || passphrase === ''}>
        Unlock
      </button>
      {wait > 0 && (
        <p role="timer" aria-live="polite" className="warning">
          Too many wrong tries. You can try again in {wait} s.
        </p>
      )}
      <ErrorText error={error} />
    </form>
  );
}
