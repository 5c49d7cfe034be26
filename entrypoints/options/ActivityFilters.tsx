import { useEffect, useState } from 'react';
import type { UsageFilter } from '@/lib/usage/filter';
import { callVault } from '@/utils/vault-client';

const STATUSES = ['200', '400', '401', '403', '429', '500', '502', '503', 'started', 'aborted', 'cut', 'interrupted', 'unreachable'];

/** A `YYYY-MM-DD` of the date input as the start (or end) of that day in the person's time zone. */
const dayStart = (text: string) => (text ? new Date(`${text}T00:00:00`).getTime() : undefined);
const dayEnd = (text: string) => (text ? new Date(`${text}T23:59:59.999`).getTime() : undefined);

/** The Activity filters; each change hands the parent a new filter. */
export function ActivityFilters({ onChange }: { onChange: (filter: UsageFilter) => void }) {
  const [facets, setFacets] = useState<{ origins: string[]; providers: string[]; models: string[] }>({ origins: [], providers: [], models: [] });
  const [values, setValues] = useState({ origin: '', provider: '', model: '', status: '', from: '', to: '' });
  useEffect(() => void callVault('usageFacets').then(setFacets, () => undefined), []);

  function set(name: keyof typeof values, value: string) {
    const next = { ...values, [name]: value };
    setValues(next);
    const status = next.status === '' ? undefined : /^\d+$/.test(next.status) ? Number(next.status) : (next.status as UsageFilter['status']);
    const filter: UsageFilter = {};
    if (next.origin) filter.origin = next.origin;
    if (next.provider) filter.provider = next.provider;
    if (next.model) filter.model = next.model;
    if (status !== undefined) filter.status = status;
    const from = dayStart(next.from);
    const to = dayEnd(next.to);
    if (from !== undefined) filter.from = from;
    if (to !== undefined) filter.to = to;
    onChange(filter);
  }

  const select = (name: 'origin' | 'provider' | 'model' | 'status', label: string, options: string[]) => (
    <label>
      {label}
      <select value={values[name]} onChange={(e) => set(name, e.target.value)}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="row filters" aria-label="Filter calls" onSubmit={(e) => e.preventDefault()}>
      {select('origin', 'App', facets.origins)}
      {select('provider', 'Provider', facets.providers)}
      {select('model', 'Model', facets.models)}
      {select('status', 'Status', STATUSES)}
      <label>
        From
        <input type="date" value={values.from} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label>
        To
        <input type="date" value={values.to} onChange={(e) => set('to', e.target.value)} />
      </label>
    </form>
  );
}
