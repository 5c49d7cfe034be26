import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import { PassphraseFields } from '@/components/PassphraseFields';
import type { VaultStatus } from '@/lib/vault/vault';
import { callVault } from '@/utils/vault-client';

export function Onboarding({ onCreated }: { onCreated: (status: VaultStatus) => void }) {
  const [passphrase, setPassphrase] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!passphrase) return;
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await callVault('create', { passphrase }));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="narrow">
      <h1>Welcome to OKAP Wallet</h1>
      <p>
        Your AI provider keys stay here, encrypted under a passphrase. Apps get scoped, revocable tokens instead of
        your keys. There is no way to recover a forgotten passphrase: keep an encrypted backup.
      </p>
      <form onSubmit={submit} className="stack">
        <PassphraseFields onChange={setPassphrase} />
        <button type="submit" disabled={busy || !passphrase}>
          Create vault
        </button>
        <ErrorText error={error} />
      </form>
    </main>
  );
}
