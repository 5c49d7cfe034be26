import { useId, useState } from 'react';
import type { Decision } from '@/lib/approvals/decision';
import type { DetailView } from '@/lib/approvals/view';
import { keyKinds, type KeyKind } from '@/lib/providers/kinds';
import { CAPABILITY_DESCRIPTIONS, type Limits } from '@/lib/protocol';
import { KeyForm } from '@/components/KeyForm';
import { grantFlags } from '@/lib/approvals/flags';
import { Flags } from './SiteSays';

type DetailDecision = Decision['details'][number];

const limitFields: { key: keyof Limits; label: string; integer: boolean }[] = [
  { key: 'monthly_spend', label: 'Monthly spend limit (USD)', integer: false },
  { key: 'daily_spend', label: 'Daily spend limit (USD)', integer: false },
  { key: 'requests_per_minute', label: 'Requests per minute', integer: true },
  { key: 'requests_per_day', label: 'Requests per day', integer: true },
];

/** Empty means no limit; anything else must be a positive number (a whole one for request counts). */
function parseLimit(text: string, integer: boolean): number | undefined | 'invalid' {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) return 'invalid';
  return value;
}

/** `YYYY-MM-DD` is the end of that day where the person is; a full ISO date-time is taken as it is. */
function parseExpiry(text: string): string | 'invalid' {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? new Date(`${text.trim()}T23:59:59`) : new Date(text);
  return Number.isNaN(value.getTime()) || value.getTime() <= Date.now() ? 'invalid' : value.toISOString();
}

export function DetailFields({
  detail,
  value,
  onChange,
  onKeyAdded,
}: {
  detail: DetailView;
  value: DetailDecision & { invalid?: boolean };
  onChange: (next: DetailDecision & { invalid?: boolean }) => void;
  onKeyAdded: () => void;
}) {
  const id = useId();
  const [texts, setTexts] = useState<Record<string, string>>(() => ({
    ...Object.fromEntries(limitFields.map((f) => [f.key, detail.limits[f.key]?.toString() ?? ''])),
    expires: detail.expires?.slice(0, 10) ?? '',
  }));
  const [never, setNever] = useState(detail.expires === null);

  function update(nextTexts: Record<string, string>, nextNever: boolean, models = value.models) {
    setTexts(nextTexts);
    setNever(nextNever);
    const limits: Limits = {};
    let invalid = false;
    for (const field of limitFields) {
      const parsed = parseLimit(nextTexts[field.key] ?? '', field.integer);
      if (parsed === 'invalid') invalid = true;
      else if (parsed !== undefined) limits[field.key] = parsed;
    }
    let expires: string | null = null;
    if (!nextNever) {
      const untouched = detail.expires !== null && nextTexts.expires === detail.expires.slice(0, 10);
      const parsed = untouched ? detail.expires! : parseExpiry(nextTexts.expires ?? '');
      if (parsed === 'invalid') invalid = true;
      else expires = parsed;
    }
    onChange({ models, limits, expires, invalid });
  }

  const invalidField = (key: string) => {
    const field = limitFields.find((f) => f.key === key);
    if (field) return parseLimit(texts[key] ?? '', field.integer) === 'invalid';
    return !never && texts.expires !== detail.expires?.slice(0, 10) && parseExpiry(texts.expires ?? '') === 'invalid';
  };

  return (
    <fieldset className="card stack detail" aria-labelledby={`${id}-legend`}>
      <legend id={`${id}-legend`}>{detail.provider}</legend>
      {detail.reaches !== undefined && (
        <p className="warning">
          “{detail.provider}” is the site’s name for a provider.{' '}
          {detail.reaches === null ? 'No key of yours serves it yet.' : <>Calls would go to <strong>{detail.reaches}</strong>.</>}
        </p>
      )}
      <Flags label={`Warnings about access to ${detail.provider}`} flags={grantFlags({ requestedModels: detail.models, limits: value.limits, expires: value.expires })} />
      <div role="group" aria-label="Models" className="stack">
        <strong>Models</strong>
        {detail.models.length === 0 && <p className="muted">Any model of this provider.</p>}
        {detail.models.map((model) => (
          <label key={model} className="inline">
            <input
              type="checkbox"
              checked={value.models.includes(model)}
              onChange={(e) =>
                update(texts, never, e.target.checked ? [...value.models, model] : value.models.filter((m) => m !== model))
              }
            />
            {model}
          </label>
        ))}
      </div>
      <div>
        <strong>Capabilities: </strong>
        {detail.capabilities.length > 0 ? (
          <ul>
            {detail.capabilities.map((c) => (
              <li key={c}>{CAPABILITY_DESCRIPTIONS[c] ?? c}</li>
            ))}
          </ul>
        ) : (
          // An empty list grants every standard capability but none of the hosted tools, so say both.
          'every standard one (chat, embeddings, images, audio); no web search, code execution or MCP'
        )}
      </div>
      {limitFields.map((field) => (
        <label key={field.key}>
          {field.label}
          <input
            type="text"
            inputMode={field.integer ? 'numeric' : 'decimal'}
            placeholder="No limit"
            value={texts[field.key]}
            aria-invalid={invalidField(field.key)}
            onChange={(e) => update({ ...texts, [field.key]: e.target.value }, never)}
          />
        </label>
      ))}
      <label>
        Expires
        <input
          type="text"
          placeholder="YYYY-MM-DD"
          disabled={never}
          value={never ? '' : texts.expires}
          aria-invalid={invalidField('expires')}
          onChange={(e) => update({ ...texts, expires: e.target.value }, never)}
        />
      </label>
      <label className="inline">
        <input type="checkbox" checked={never} onChange={(e) => update(texts, e.target.checked)} />
        Never expires
      </label>
      {!detail.hasKey && (
        <section className="stack" aria-label={`Add a key for ${detail.provider}`} style={{ borderTop: '1px solid var(--muted)', paddingTop: 8 }}>
          <p className="warning">No key for this provider. Add one of yours (this form is the wallet’s own):</p>
          <KeyForm
            onSaved={onKeyAdded}
            initialKind={(keyKinds as readonly string[]).includes(detail.provider) ? (detail.provider as KeyKind) : 'openai-compatible'}
          />
        </section>
      )}
    </fieldset>
  );
}
