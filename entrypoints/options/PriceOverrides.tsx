import { useState, type FormEvent } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import { keyKindNames, type KeyKind } from '@/lib/providers/kinds';
import type { Settings } from '@/lib/vault/settings';
import { callVault } from '@/utils/vault-client';
import { KeyKindSelect } from '@/components/KeyKindSelect';

type Override = Settings['priceOverrides'][number];

/**
 * Prices for models the built-in list does not know (local models, new releases). A spend limit
 * refuses a model without a price, so this is how such a model becomes usable under a budget.
 */
export function PriceOverrides({ settings, onSaved }: { settings: Settings; onSaved: (settings: Settings) => void }) {
  const [provider, setProvider] = useState<KeyKind>('openai-compatible');
  const [model, setModel] = useState('');
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const [error, setError] = useState<string>();

  async function save(priceOverrides: Override[]) {
    setError(undefined);
    try {
      onSaved(await callVault('updateSettings', { priceOverrides }));
      return true;
    } catch (failure) {
      setError(messageOf(failure));
      return false;
    }
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    const entry = { provider, model: model.trim(), inputPerMTok: Number(input), outputPerMTok: Number(output) };
    const rest = settings.priceOverrides.filter((o) => !(o.provider === entry.provider && o.model === entry.model));
    if (await save([...rest, entry])) {
      setModel('');
      setInput('');
      setOutput('');
    }
  }

  return (
    <form onSubmit={add} className="card stack" aria-label="Model prices">
      <h3>Model prices</h3>
      <p className="muted">USD per million tokens. Yours win over the built-in price list. A model ending in * covers every model with that prefix.</p>
      {settings.priceOverrides.length > 0 && (
        <ul aria-label="Your prices">
          {settings.priceOverrides.map((o) => (
            <li key={`${o.provider}/${o.model}`} className="row">
              <span>
                {keyKindNames[o.provider as KeyKind] ?? o.provider} <code>{o.model}</code>: ${o.inputPerMTok} in, ${o.outputPerMTok} out
              </span>
              <button type="button" className="secondary" onClick={() => save(settings.priceOverrides.filter((x) => x !== o))}>
                Remove price
              </button>
            </li>
          ))}
        </ul>
      )}
      <KeyKindSelect label="Price provider" value={provider} onChange={setProvider} />
      <label>
        Model
        <input value={model} placeholder="llama3.1:8b or gpt-5*" onChange={(e) => setModel(e.target.value)} />
      </label>
      <label>
        Input price (USD per million tokens)
        <input type="text" inputMode="decimal" value={input} onChange={(e) => setInput(e.target.value)} />
      </label>
      <label>
        Output price (USD per million tokens)
        <input type="text" inputMode="decimal" value={output} onChange={(e) => setOutput(e.target.value)} />
      </label>
      <button type="submit" disabled={!model.trim() || input === '' || output === ''}>
        Add price
      </button>
      <ErrorText error={error} />
    </form>
  );
}
