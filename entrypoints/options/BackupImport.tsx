import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { ImportChange, ImportMode } from '@/lib/vault/backup';
import type { SettingChange } from '@/lib/vault/settings-diff';
import { callVault } from '@/utils/vault-client';
import { requestHostsFor } from '@/components/host-permission';

const actionNames: Record<ImportChange['action'], string> = { add: 'Add', update: 'Replace', keep: 'Keep yours', remove: 'Remove' };

/** Import happens in two steps: the background opens the file and says what would change; only then may the person apply it. */
export function BackupImport() {
  const [file, setFile] = useState<File>();
  const [passphrase, setPassphrase] = useState('');
  const [mode, setMode] = useState<ImportMode>('merge');
  const [plan, setPlan] = useState<{ planId: string; changes: ImportChange[]; settings: SettingChange[] }>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);

  async function preview(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setError(undefined);
    setPlan(undefined);
    setDone(false);
    try {
      setPlan(await callVault('previewImport', { text: await file.text(), passphrase, mode }));
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  async function apply() {
    if (!plan) return;
    try {
      const hosts = plan.changes.filter((c) => c.action === 'add' || c.action === 'update').map((c) => c.baseUrl);
      if (!(await requestHostsFor(hosts))) {
        setError('The vault needs permission to reach the Base URLs of the imported keys.');
        return;
      }
      await callVault('applyImport', { planId: plan.planId });
      setPlan(undefined);
      setPassphrase('');
      setDone(true);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <form onSubmit={preview} className="card stack" aria-label="Import backup">
      <h3>Import a backup</h3>
      <label>
        Backup file
        <input type="file" accept="application/json,.json" onChange={(e) => setFile(e.target.files?.[0])} />
      </label>
      <label>
        Backup passphrase
        <input type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
      </label>
      <fieldset>
        <legend>How</legend>
        <label className="inline">
          <input type="radio" name="mode" checked={mode === 'merge'} onChange={() => setMode('merge')} /> Merge with my keys
        </label>
        <label className="inline">
          <input type="radio" name="mode" checked={mode === 'replace'} onChange={() => setMode('replace')} /> Replace all my keys
        </label>
      </fieldset>
      <button type="submit" disabled={!file || !passphrase}>
        Preview import
      </button>
      {plan && (
        <div className="stack" aria-label="What will change">
          {plan.changes.length === 0 ? (
            <p>The backup holds no keys.</p>
          ) : (
            <ul>
              {plan.changes.map((change, i) => (
                <li key={i}>
                  {actionNames[change.action]}: {change.label} ({change.providerId}) <code>{change.mask}</code>
                </li>
              ))}
            </ul>
          )}
          {plan.settings.length > 0 && (
            <div className="stack" role="group" aria-label="Settings that will change">
              <strong>Your settings will be replaced:</strong>
              <ul>
                {plan.settings.map((change, i) => (
                  <li key={i}>
                    {change.setting}: {change.from} → {change.to}
                    {change.warning && <span className="warning"> Warning: {change.warning}</span>}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <button type="button" onClick={apply}>
            Import
          </button>
        </div>
      )}
      {done && <p role="status">Backup imported.</p>}
      <ErrorText error={error} />
    </form>
  );
}
