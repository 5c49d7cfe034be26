import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { VaultStatus } from '@/lib/vault/vault';
import { callVault } from '@/utils/vault-client';

export function ResetVault({ onReset }: { onReset: (status: VaultStatus) => void }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (typed !== 'RESET') return;
    try {
      onReset(await callVault('resetVault', { confirm: 'RESET' }));
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <form onSubmit={submit} className="card stack danger-zone" aria-label="Reset vault">
      <h3>Reset the vault</h3>
      <p>Deletes every key and setting on this browser. Apps lose access. Export a backup first.</p>
      <label>
        Type RESET to confirm
        <input value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
      </label>
      <button type="submit" className="danger" disabled={typed !== 'RESET'}>
        Reset vault
      </button>
      <ErrorText error={error} />
    </form>
  );
}
