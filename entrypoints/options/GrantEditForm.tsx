import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { Grant } from '@/lib/grants/types';
import type { Limits } from '@/lib/protocol';
import { isNever } from '@/utils/format';
import { callVault } from '@/utils/vault-client';

type Detail = Grant['details'][number];

const numberOrUndefined = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** Edits one granted detail; the background checks it again and the next call obeys it. */
export function GrantEditForm({ grant, detail, onDone }: { grant: Grant; detail: Detail; onDone: () => void }) {
  const l = detail.limits ?? {};
  const expires = Date.parse(detail.expires);
  const [models, setModels] = useState((detail.models ?? []).join(', '));
  const [daily, setDaily] = useState(l.daily_spend?.toString() ?? '');
  const [monthly, setMonthly] = useState(l.monthly_spend?.toString() ?? '');
  const [rpm, setRpm] = useState(l.requests_per_minute?.toString() ?? '');
  const [rpd, setRpd] = useState(l.requests_per_day?.toString() ?? '');
  const [until, setUntil] = useState(isNever(expires) ? '' : new Date(expires).toISOString().slice(0, 10));
  const [error, setError] = useState<string>();

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    const limits: Limits = {
      daily_spend: numberOrUndefined(daily),
      monthly_spend: numberOrUndefined(monthly),
      requests_per_minute: numberOrUndefined(rpm),
      requests_per_day: numberOrUndefined(rpd),
    };
    try {
      await callVault('editGrant', {
        grantId: grant.id,
        provider: detail.provider,
        models: models.split(',').map((m) => m.trim()).filter(Boolean),
        limits,
        // A date means the end of that day, in the person's own time zone.
        expires: until ? new Date(`${until}T23:59:59`).toISOString() : null,
      });
      onDone();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <form className="stack edit-grant" onSubmit={save} aria-label={`Edit ${detail.provider} access`}>
      <label>
        Models (comma-separated{detail.models?.length ? '' : '; empty: any model'})
        <input value={models} onChange={(e) => setModels(e.target.value)} />
      </label>
      <div className="row">
        <label>
          Daily spend limit (USD)
          <input inputMode="decimal" value={daily} onChange={(e) => setDaily(e.target.value)} />
        </label>
        <label>
          Monthly spend limit (USD)
          <input inputMode="decimal" value={monthly} onChange={(e) => setMonthly(e.target.value)} />
        </label>
      </div>
      <div className="row">
        <label>
          Requests per minute
          <input inputMode="numeric" value={rpm} onChange={(e) => setRpm(e.target.value)} />
        </label>
        <label>
          Requests per day
          <input inputMode="numeric" value={rpd} onChange={(e) => setRpd(e.target.value)} />
        </label>
      </div>
      <label>
        Expires (empty: never)
        <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
      </label>
      <ErrorText error={error} />
      <div className="row">
        <button type="submit">Save limits</button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
