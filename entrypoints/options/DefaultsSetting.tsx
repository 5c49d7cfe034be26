import { useEffect, useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { Settings } from '@/lib/vault/settings';
import { callVault } from '@/utils/vault-client';

const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** What the approval window prefills, and the time zone that decides when a day or month of spend begins. */
export function DefaultsSetting({ settings, onSaved }: { settings: Settings; onSaved: (settings: Settings) => void }) {
  const [monthly, setMonthly] = useState(String(settings.defaultLimits.monthly_spend ?? ''));
  const [rpm, setRpm] = useState(String(settings.defaultLimits.requests_per_minute ?? ''));
  const [days, setDays] = useState(String(settings.defaultExpiryDays));
  const [zone, setZone] = useState(settings.timeZone);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setSaved(false), [monthly, rpm, days, zone]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      const limits = { monthly_spend: optionalNumber(monthly), requests_per_minute: optionalNumber(rpm) };
      onSaved(
        await callVault('updateSettings', {
          defaultLimits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
          defaultExpiryDays: Number(days),
          timeZone: zone.trim(),
        }),
      );
      setSaved(true);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <form onSubmit={submit} className="card stack" aria-label="Defaults for new apps">
      <h3>Defaults for new apps</h3>
      <label>
        Default monthly spend limit (USD)
        <input type="text" inputMode="decimal" value={monthly} onChange={(e) => setMonthly(e.target.value)} />
      </label>
      <label>
        Default requests per minute
        <input type="text" inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
      </label>
      <label>
        Default expiry (days)
        <input type="text" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <label>
        Time zone for daily and monthly limits
        <input
          type="text"
          value={zone}
          placeholder={`This browser’s: ${Intl.DateTimeFormat().resolvedOptions().timeZone}`}
          onChange={(e) => setZone(e.target.value)}
        />
      </label>
      <button type="submit">Save defaults</button>
      {saved && <p role="status">Saved.</p>}
      <ErrorText error={error} />
    </form>
  );
}
