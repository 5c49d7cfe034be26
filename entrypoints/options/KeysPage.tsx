import { useCallback, useEffect, useState } from 'react';
import type { KeySummary } from '@/lib/vault/keys';
import { callVault } from '@/utils/vault-client';
import { KeyForm } from '@/components/KeyForm';
import { KeyItem } from './KeyItem';

export function KeysPage() {
  const [keys, setKeys] = useState<KeySummary[]>();
  const refresh = useCallback(async () => setKeys(await callVault('listKeys')), []);
  useEffect(() => void refresh(), [refresh]);

  return (
    <section>
      <h2>Keys</h2>
      {keys && keys.length === 0 && <p>No keys yet. Add one below; it is encrypted before it is stored.</p>}
      <ul className="keys" aria-label="Your keys">
        {keys?.map((item) => <KeyItem key={`${item.id}-${item.updatedAt}-${item.isDefault}`} item={item} onChanged={refresh} />)}
      </ul>
      <KeyForm onSaved={refresh} />
    </section>
  );
}
