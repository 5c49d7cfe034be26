import { z } from 'zod';
import type { KeyRow, VaultDb } from '../db/schema';
import { BASE_URL_REQUIRED, keyKinds, needsBaseUrl } from '../providers/kinds';
import { providerIdFor } from '../providers/provider-id';
import { openText, sealText } from './aead';
import { VaultError } from './errors';
import { maskKey } from './mask';

const PROVIDER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const baseUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((text) => text === '' || /^https?:\/\/[^\s]+$/i.test(text) && URL.canParse(text), 'Base URL must be an http(s) URL')
  .transform((text) => text.replace(/\/+$/, ''));

export const secretSchema = z.string().trim().min(8, 'The API key looks too short').max(4096);

export const newKeySchema = z
  .object({
    kind: z.enum(keyKinds),
    providerId: z.string().regex(PROVIDER_ID).optional(),
    label: z.string().trim().max(100).default(''),
    secret: secretSchema,
    baseUrl: baseUrlSchema.default(''),
  })
  .refine((key) => !needsBaseUrl(key.kind) || key.baseUrl !== '', {
    message: BASE_URL_REQUIRED,
    path: ['baseUrl'],
  });
export type NewKey = z.input<typeof newKeySchema>;

export const keyEditSchema = z.object({
  label: z.string().trim().max(100).optional(),
  baseUrl: baseUrlSchema.optional(),
  /** Required when `baseUrl` changes the host the key is sent to: the key leaves only with the passphrase. */
  passphrase: z.string().max(1024).optional(),
});

/** The origin a key is sent to: its Base URL's, or '' for the provider's own API. */
export function keyDestination(baseUrl: string): string {
  return baseUrl === '' ? '' : new URL(baseUrl).origin;
}

/** What the UI sees of a key: never the key itself. */
export type KeySummary = Omit<KeyRow, 'secret' | 'isDefault'> & { isDefault: boolean };


export function summarize(row: KeyRow): KeySummary {
  const { secret: _secret, isDefault, ...rest } = row;
  return { ...rest, isDefault: isDefault === 1 };
}

/** Provider keys, each sealed under the data key with its own id as associated data. */
export class KeyStore {
  constructor(
    private readonly db: VaultDb,
    private readonly dataKey: () => Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<KeySummary[]> {
    const rows = await this.db.keys.toArray();
    return rows.sort((a, b) => a.createdAt - b.createdAt).map(summarize);
  }

  async add(input: NewKey): Promise<KeySummary> {
    const key = newKeySchema.parse(input);
    const dataKey = this.dataKey();
    const id = crypto.randomUUID();
    const providerId = providerIdFor(key.kind, key.baseUrl, key.providerId);
    const now = this.now();
    return this.db.transaction('rw', this.db.keys, async () => {
      const hasDefault = (await this.db.keys.where('providerId').equals(providerId).filter((k) => k.isDefault === 1).count()) > 0;
      const row: KeyRow = {
        id,
        kind: key.kind,
        providerId,
        label: key.label || `${providerId} key`,
        baseUrl: key.baseUrl,
        mask: maskKey(key.secret),
        isDefault: hasDefault ? 0 : 1,
        createdAt: now,
        updatedAt: now,
        secret: sealText(dataKey, `key:${id}`, key.secret),
      };
      await this.db.keys.add(row);
      return summarize(row);
    });
  }

  private async row(id: string): Promise<KeyRow> {
    const row = await this.db.keys.get(id);
    if (!row) throw new VaultError('not_found', 'That key no longer exists.');
    return row;
  }

  /** The key's current Base URL, for a caller that must confirm a change of destination first. */
  async baseUrlOf(id: string): Promise<string> {
    return (await this.row(id)).baseUrl;
  }

  /**
   * Edits a key's label and Base URL. A new destination is applied only if the caller confirmed it
   * (passphrase checked) against `confirmedFrom`, the Base URL it saw: a change in between is refused.
   */
  async edit(id: string, patch: z.input<typeof keyEditSchema>, confirmedFrom?: string): Promise<KeySummary> {
    const changes = keyEditSchema.parse(patch);
    return this.db.transaction('rw', this.db.keys, async () => {
      const row = await this.row(id);
      const baseUrl = changes.baseUrl ?? row.baseUrl;
      if (keyDestination(baseUrl) !== keyDestination(row.baseUrl) && confirmedFrom !== row.baseUrl) {
        throw new VaultError('passphrase_required', 'Sending this key to a new host needs your passphrase.');
      }
      if (needsBaseUrl(row.kind) && baseUrl === '') {
        throw new VaultError('invalid_input', `${BASE_URL_REQUIRED}.`);
      }
      const next: KeyRow = { ...row, label: changes.label || row.label, baseUrl, updatedAt: this.now() };
      await this.db.keys.put(next);
      return summarize(next);
    });
  }

  async replaceSecret(id: string, secret: string): Promise<KeySummary> {
    const parsed = secretSchema.parse(secret);
    const dataKey = this.dataKey();
    return this.db.transaction('rw', this.db.keys, async () => {
      const row = await this.row(id);
      const next: KeyRow = { ...row, mask: maskKey(parsed), secret: sealText(dataKey, `key:${id}`, parsed), updatedAt: this.now() };
      await this.db.keys.put(next);
      return summarize(next);
    });
  }

  async setDefault(id: string): Promise<void> {
    await this.db.transaction('rw', this.db.keys, async () => {
      const row = await this.row(id);
      await this.db.keys.where('providerId').equals(row.providerId).modify({ isDefault: 0 });
      await this.db.keys.update(id, { isDefault: 1 });
    });
  }

  async remove(id: string): Promise<void> {
    await this.db.transaction('rw', this.db.keys, async () => {
      const row = await this.row(id);
      await this.db.keys.delete(id);
      if (row.isDefault !== 1) return;
      // The provider keeps a default while it has keys.
      const heir = await this.db.keys.where('providerId').equals(row.providerId).first();
      if (heir) await this.db.keys.update(heir.id, { isDefault: 1 });
    });
  }

  /** The plaintext key. Only the background calls this, and only to use the key at once. */
  async reveal(id: string): Promise<{ row: KeyRow; secret: string }> {
    const row = await this.row(id);
    return { row, secret: openText(this.dataKey(), `key:${id}`, row.secret) };
  }

  /** The default key for an OKAP provider id, if the user has one. */
  async defaultFor(providerId: string): Promise<KeyRow | undefined> {
    const rows = await this.db.keys.where('providerId').equals(providerId).toArray();
    return rows.find((row) => row.isDefault === 1) ?? rows[0];
  }
}
