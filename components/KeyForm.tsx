import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { KeyKind } from '@/lib/providers/kinds';
import { callVault } from '@/utils/vault-client';
import { KeyKindSelect } from '@/components/KeyKindSelect';
import { requestHostFor } from './host-permission';
import { PROVIDER_PRESETS } from '@/lib/providers/presets';

export function KeyForm({ onSaved, initialKind = 'openai' }: { onSaved: () => void; initialKind?: KeyKind }) {
  const [kind, setKind] = useState<KeyKind>(initialKind);
  const [label, setLabel] = useState('');
  const [secret, setSecret] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [providerId, setProviderId] = useState<string>();
  const [error, setError] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      if (!(await requestHostFor(baseUrl.trim()))) {
        setError('The vault needs permission to reach that Base URL.');
        return;
      }
      await callVault('addKey', { kind, label, secret, baseUrl, ...(providerId ? { providerId } : {}) });
      setLabel('');
      setSecret('');
      setBaseUrl('');
      setProviderId(undefined);
      onSaved();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  const needsBaseUrl = kind === 'openai-compatible';
  return (
    <form onSubmit={submit} className="stack card" aria-label="Add a key">
      <h3>Add a key</h3>
      <label>
        Preset
        <select
          value={providerId ?? ''}
          onChange={(e) => {
            const preset = PROVIDER_PRESETS.find((p) => p.providerId === e.target.value);
            setProviderId(preset?.providerId);
            if (!preset) return;
            // A preset is an OpenAI-compatible endpoint with its own OKAP provider id.
            setKind('openai-compatible');
            setBaseUrl(preset.baseUrl);
            if (!label) setLabel(preset.name);
          }}
        >
          <option value="">None</option>
          {PROVIDER_PRESETS.map((p) => (
            <option key={p.providerId} value={p.providerId}>
              {p.name} ({p.providerId})
            </option>
          ))}
        </select>
      </label>
      <KeyKindSelect
        label="Provider"
        value={kind}
        onChange={(next) => {
          setKind(next);
          setProviderId(undefined);
        }}
      />
      <label>
        Label
        <input value={label} maxLength={100} placeholder="Work, Personal…" onChange={(e) => setLabel(e.target.value)} />
      </label>
      <label>
        API key
        <input type="password" autoComplete="off" spellCheck={false} value={secret} onChange={(e) => setSecret(e.target.value)} />
      </label>
      <label>
        Base URL
        <input
          type="url"
          value={baseUrl}
          required={needsBaseUrl}
          placeholder={needsBaseUrl ? 'https://api.groq.com/openai/v1' : 'Optional: the provider’s own API'}
          onChange={(e) => setBaseUrl(e.target.value)}
        />
      </label>
      <button type="submit" disabled={!secret}>
        Save key
      </button>
      <ErrorText error={error} />
    </form>
  );
}
