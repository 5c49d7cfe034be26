import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { Settings } from '@/lib/vault/settings';
import { callVault } from '@/utils/vault-client';

/** How long Activity keeps rows, with an export first: pruned rows are gone, though budgets never depended on them. */
export function RetentionSetting({ settings, onSaved }: { settings: Settings; onSaved: (settings: Settings) => void }) {
  const [days, setDays] = useState(String(settings.usageRetentionDays));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      onSaved(await callVault('updateSettings', { usageRetentionDays: Number(days) }));
      setSaved(true);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  async function exportCsv() {
    setError(undefined);
    try {
      const { fileName, text } = await callVault('exportUsageCsv');
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      Object.assign(document.createElement('a'), { href: url, download: fileName }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <form onSubmit={submit} className="card stack" aria-label="Activity history">
      <h3>Activity history</h3>
      <p className="muted">
        Rows older than this are deleted in the background. Spending limits keep their own running totals, so deleting history never changes a
        budget. Export a CSV first to keep a copy.
      </p>
      <label>
        Keep activity for days
        <input type="number" min={7} max={36500} step={1} required value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <div className="row">
        <button type="button" onClick={() => void exportCsv()}>
          Export CSV
        </button>
        <button type="submit">Save history setting</button>
      </div>
      {saved && <p role="status">Saved.</p>}
      <ErrorText error={error} />
    </form>
  );
}
