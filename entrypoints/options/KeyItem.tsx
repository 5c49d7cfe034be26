import { useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import { keyKindNames, type KeyKind } from '@/lib/providers/kinds';
import type { KeySummary } from '@/lib/vault/keys';
import type { KeyCheckResult } from '@/lib/vault/key-check';
import { callVault } from '@/utils/vault-client';
import { requestHostFor } from '@/components/host-permission';
import { HostAccess } from '@/components/HostAccess';
import { adapterFor } from '@/lib/providers/registry';

type Mode = 'view' | 'edit' | 'confirm-host' | 'replace' | 'confirm-delete';

/** Where a Base URL sends the key: its origin, or '' for the provider's own API (as the vault compares them). */
function destination(baseUrl: string): string {
  const text = baseUrl.trim().replace(/\/+$/, '');
  if (text === '') return '';
  return URL.canParse(text) ? new URL(text).origin : text;
}

function hostOf(baseUrl: string): string {
  const text = baseUrl.trim();
  return URL.canParse(text) ? new URL(text).host : text;
}

export function KeyItem({ item, onChanged }: { item: KeySummary; onChanged: () => void }) {
  const [mode, setMode] = useState<Mode>('view');
  const [check, setCheck] = useState<KeyCheckResult | 'testing'>();
  const [error, setError] = useState<string>();
  const [label, setLabel] = useState(item.label);
  const [baseUrl, setBaseUrl] = useState(item.baseUrl);
  const [secret, setSecret] = useState('');
  const [passphrase, setPassphrase] = useState('');

  async function act(work: () => Promise<unknown>) {
    setError(undefined);
    try {
      await work();
      setMode('view');
      onChanged();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  async function test() {
    setCheck('testing');
    try {
      setCheck(await callVault('testKey', { id: item.id }));
    } catch (failure) {
      setCheck({ result: 'error', message: messageOf(failure) });
    }
  }

  const name = `${item.label} (${keyKindNames[item.kind as KeyKind] ?? item.kind})`;
  return (
    <li className="card key" aria-label={name}>
      <div className="row">
        <strong>{item.label}</strong>
        <span className="muted">{keyKindNames[item.kind as KeyKind] ?? item.kind}</span>
        {item.isDefault && <span className="badge">default</span>}
      </div>
      <div className="row">
        <code className="mask">{item.mask}</code>
        <span className="muted">{item.baseUrl || 'provider’s own API'}</span>
      </div>
      <HostAccess url={item.baseUrl || adapterFor(item.kind as KeyKind)?.defaultBaseUrl} />
      {mode === 'view' && (
        <div className="row actions">
          <button type="button" onClick={test} disabled={check === 'testing'}>
            Test
          </button>
          <button type="button" className="secondary" onClick={() => setMode('edit')}>
            Edit
          </button>
          <button type="button" className="secondary" onClick={() => setMode('replace')}>
            Replace key
          </button>
          {!item.isDefault && (
            <button type="button" className="secondary" onClick={() => act(() => callVault('setDefaultKey', { id: item.id }))}>
              Make default
            </button>
          )}
          <button type="button" className="danger" onClick={() => setMode('confirm-delete')}>
            Delete key
          </button>
        </div>
      )}
      {check && (
        <p role="status" className={check !== 'testing' && check.result === 'ok' ? 'ok' : 'warning'}>
          {check === 'testing' ? 'Testing…' : check.message}
        </p>
      )}
      {mode === 'edit' && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            // A new host is where the key will be sent: confirm it with the passphrase first, like an export.
            if (destination(baseUrl) !== destination(item.baseUrl)) {
              setError(undefined);
              setMode('confirm-host');
              return;
            }
            void act(() => callVault('editKey', { id: item.id, label, baseUrl }));
          }}
        >
          <label>
            Label
            <input value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} />
          </label>
          <label>
            Base URL
            <input type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
          </label>
          <div className="row">
            <button type="submit">Save changes</button>
            <button type="button" className="secondary" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'confirm-host' && (
        <form
          className="stack"
          aria-label="Confirm the new host"
          onSubmit={(e) => {
            e.preventDefault();
            void act(async () => {
              if (!(await requestHostFor(baseUrl.trim()))) throw new Error('The vault needs permission to reach that Base URL.');
              await callVault('editKey', { id: item.id, label, baseUrl, passphrase });
              setPassphrase('');
              setCheck(undefined);
            });
          }}
        >
          <p role="alert" className="warning">
            Your key will be sent to <strong>{baseUrl.trim() === '' ? 'the provider’s own API' : hostOf(baseUrl)}</strong> from now on, and
            &quot;Test&quot; will send it there. Only continue if you trust that host.
          </p>
          <label>
            Passphrase to confirm
            <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
          <div className="row">
            <button type="submit" disabled={!passphrase}>
              Send key to new host
            </button>
            <button type="button" className="secondary" onClick={() => (setPassphrase(''), setMode('edit'))}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'replace' && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => callVault('replaceKey', { id: item.id, secret }).then(() => setSecret('')));
          }}
        >
          <label>
            New API key
            <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
          </label>
          <div className="row">
            <button type="submit" disabled={!secret}>
              Replace
            </button>
            <button type="button" className="secondary" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {mode === 'confirm-delete' && (
        <div role="alertdialog" aria-label="Confirm deletion" className="stack">
          <p>Delete “{item.label}”? Apps using it will stop working. This cannot be undone.</p>
          <div className="row">
            <button type="button" className="danger" onClick={() => act(() => callVault('deleteKey', { id: item.id }))}>
              Yes, delete
            </button>
            <button type="button" className="secondary" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <ErrorText error={error} />
    </li>
  );
}
