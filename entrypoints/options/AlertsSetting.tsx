import { useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { Settings } from '@/lib/vault/settings';
import { callVault } from '@/utils/vault-client';

/** Spend alerts on or off; saved as soon as the box changes. */
export function AlertsSetting({ settings, onSaved }: { settings: Settings; onSaved: (settings: Settings) => void }) {
  const [error, setError] = useState<string>();
  async function toggle(on: boolean) {
    setError(undefined);
    try {
      onSaved(await callVault('updateSettings', { spendAlerts: on }));
    } catch (failure) {
      setError(messageOf(failure));
    }
  }
  return (
    <section className="card stack" aria-label="Spend alerts">
      <h3>Spend alerts</h3>
      <label className="row">
        <input type="checkbox" checked={settings.spendAlerts} onChange={(e) => void toggle(e.target.checked)} />
        Notify me when an app reaches 80% and 100% of a daily or monthly spend limit
      </label>
      <ErrorText error={error} />
    </section>
  );
}
