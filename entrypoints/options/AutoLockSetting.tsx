import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import { callVault } from '@/utils/vault-client';

export function AutoLockSetting({ minutes, onSaved }: { minutes: number; onSaved: (minutes: number) => void }) {
  const [value, setValue] = useState(String(minutes));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      const settings = await callVault('updateSettings', { autoLockMinutes: Number(value) });
      onSaved(settings.autoLockMinutes);
      setSaved(true);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <form onSubmit={submit} className="card stack" aria-label="Auto-lock">
      <h3>Auto-lock</h3>
      <label>
        Lock after minutes of inactivity
        <input type="number" min={1} max={1440} step={1} required value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit">Save auto-lock</button>
      {saved && <p role="status">Saved.</p>}
      <ErrorText error={error} />
    </form>
  );
}
