import { z } from 'zod';
import { providerIdSchema } from '../../lib/protocol';
import { keyKinds, type KeyKind } from '../../lib/providers/kinds';
import type { KeySource, ProviderKey } from '../../lib/proxy';
import { openText, sealText } from '../../lib/vault/aead';
import { baseUrlSchema, secretSchema } from '../../lib/vault/keys';
import { maskKey } from '../../lib/vault/mask';
import type { Queryable } from '../db/sql';

export const newKeyBody = z
  .object({
    provider: providerIdSchema,
    secret: secretSchema,
    base_url: baseUrlSchema.optional(),
    label: z.string().trim().max(100).optional(),
    /** The wire format the key speaks; defaults to the provider's own, else OpenAI-compatible. */
    kind: z.enum(keyKinds).optional(),
  })
  .strict();

export interface KeySummary {
  id: string;
  provider: string;
  kind: KeyKind;
  base_url: string;
  label: string;
  mask: string;
  created_at: string;
}

interface KeyRow {
  id: string;
  provider: string;
  kind: KeyKind;
  base_url: string;
  label: string;
  mask: string;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
  created_at: number;
}

const kindFor = (provider: string): KeyKind =>
  (keyKinds as readonly string[]).includes(provider) ? (provider as KeyKind) : 'openai-compatible';

const summary = (r: KeyRow): KeySummary => ({
  id: r.id,
  provider: r.provider,
  kind: r.kind,
  base_url: r.base_url,
  label: r.label,
  mask: r.mask,
  created_at: new Date(r.created_at).toISOString(),
});

export class KeyInputError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Provider keys sealed under the server key, each with its own id as associated data. The
 * oldest key of a provider serves it. The proxy keeps opened keys in this process's memory (the
 * process that proxies is where a plaintext key may live) and drops them when any process adds
 * or deletes a key (`invalidate`, on the `keys` event).
 */
export function sqlKeyStore(db: Queryable, serverKey: Uint8Array, now: () => number = Date.now) {
  const columns = 'id, provider, kind, base_url, label, mask, nonce, ciphertext, created_at';
  let opened = new Map<string, Promise<ProviderKey | undefined>>();
  const open = async (providerId: string): Promise<ProviderKey | undefined> => {
    const [row] = await db.query<KeyRow>(`SELECT ${columns} FROM provider_keys WHERE provider = $1 ORDER BY created_at LIMIT 1`, [providerId]);
    if (!row) return undefined;
    const secret = openText(serverKey, row.id, { nonce: new Uint8Array(row.nonce), ciphertext: new Uint8Array(row.ciphertext) });
    return { kind: row.kind, baseUrl: row.base_url, secret };
  };
  return {
    invalidate(): void {
      opened = new Map();
    },
    async add(input: z.infer<typeof newKeyBody>): Promise<KeySummary> {
      const kind = input.kind ?? kindFor(input.provider);
      const baseUrl = input.base_url ?? '';
      if (kind === 'openai-compatible' && baseUrl === '') throw new KeyInputError('base_url', 'An OpenAI-compatible key needs a base_url');
      const id = crypto.randomUUID();
      const sealed = sealText(serverKey, id, input.secret);
      const row: KeyRow = {
        id,
        provider: input.provider,
        kind,
        base_url: baseUrl,
        label: input.label ?? '',
        mask: maskKey(input.secret),
        nonce: sealed.nonce,
        ciphertext: sealed.ciphertext,
        created_at: now(),
      };
      await db.query(`INSERT INTO provider_keys (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        row.id,
        row.provider,
        row.kind,
        row.base_url,
        row.label,
        row.mask,
        row.nonce,
        row.ciphertext,
        row.created_at,
      ]);
      return summary(row);
    },
    async list(): Promise<KeySummary[]> {
      return (await db.query<KeyRow>(`SELECT ${columns} FROM provider_keys ORDER BY created_at`)).map(summary);
    },
    async remove(id: string): Promise<boolean> {
      return (await db.query('DELETE FROM provider_keys WHERE id = $1 RETURNING id', [id])).length > 0;
    },
    async providers(): Promise<Set<string>> {
      return new Set((await db.query<{ provider: string }>('SELECT DISTINCT provider FROM provider_keys')).map((r) => r.provider));
    },
    /** The proxy's KeySource: the key opened for one call. */
    source(): KeySource {
      return {
        forProvider(providerId: string): Promise<ProviderKey | undefined> {
          let key = opened.get(providerId);
          if (!key) {
            const cache = opened;
            key = open(providerId);
            cache.set(providerId, key);
            // A failed read is not remembered.
            key.catch(() => cache.delete(providerId));
          }
          return key;
        },
      };
    },
  };
}
export type SqlKeyStore = ReturnType<typeof sqlKeyStore>;
