import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import { callVault } from '@/utils/vault-client';

/** The file is made in the background, already encrypted; this page only hands it to the browser's download. */
export function BackupExport() {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const { fileName, text } = await callVault('exportBackup', { passphrase });
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setPassphrase('');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="card stack" aria-label="Export backup">
      <h3>Export an encrypted backup</h3>
      <p className="muted">The file is encrypted with your passphrase. Without it, the file is useless.</p>
      <label>
        Passphrase for backup
        <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <button type="submit" disabled={busy || !passphrase}>
        Export backup
      </button>
      <ErrorText error={error} />
    </form>
  );
}
