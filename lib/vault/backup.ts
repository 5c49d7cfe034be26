import { z } from 'zod';
import { fromBase64Url, toBase64Url, utf8 } from '../encoding/base64';
import type { KeyRow, VaultDb } from '../db/schema';
import { BASE_URL_REQUIRED, COMPATIBLE_KIND, keyKinds, needsBaseUrl } from '../providers/kinds';
import { open, openText, seal, SealError, sealText } from './aead';
import { VaultError } from './errors';
import { defaultKdfCost, deriveKek, kdfParamsSchema, newKdfParams, type KdfCost } from './kdf';
import { baseUrlSchema, secretSchema } from './keys';
import { maskKey } from './mask';
import { settingsSchema } from './settings';

const FORMAT = 'okap-wallet-backup';
const BACKUP_AD = 'okap-wallet-backup/v1';
/** A backup larger than this is not ours: refuse before parsing it. */
export const MAX_BACKUP_BYTES = 8 * 1024 * 1024;

const b64 = z.string().max(MAX_BACKUP_BYTES).transform((text, ctx) => {
  try {
    return fromBase64Url(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not base64url' });
    return z.NEVER;
  }
});

/** The file: only what is needed to open it is in the clear; every key, label and setting is sealed. */
/**
 * A backup file names its own KDF cost, and opening it runs that cost before anything is checked: a
 * crafted file could ask for gigabytes and minutes. Bounded at four times the default's memory and work
 * (256 MiB, and memory × passes ≤ 4 × 64 MiB × 3), ample for a file made with a stronger default later.
 */
export const MAX_BACKUP_KDF = { memoryKiB: 256 * 1024, iterations: 12, parallelism: 8, work: 4 * defaultKdfCost.memoryKiB * defaultKdfCost.iterations };
const backupKdfSchema = kdfParamsSchema
  .extend({
    salt: b64,
    memoryKiB: kdfParamsSchema.shape.memoryKiB.max(MAX_BACKUP_KDF.memoryKiB),
    iterations: kdfParamsSchema.shape.iterations.max(MAX_BACKUP_KDF.iterations),
    parallelism: kdfParamsSchema.shape.parallelism.max(MAX_BACKUP_KDF.parallelism),
  })
  .refine((kdf) => kdf.memoryKiB * kdf.iterations <= MAX_BACKUP_KDF.work, 'KDF cost too high');

const backupFileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  createdAt: z.string().max(64),
  kdf: backupKdfSchema,
  nonce: b64,
  ciphertext: b64,
});

// The same rules as a key typed into the form: a backup is input from outside like any other.
const backupKeySchema = z
  .object({
    id: z.string().min(1).max(100),
    kind: z.enum(keyKinds),
    providerId: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    label: z.string().max(100),
    baseUrl: baseUrlSchema,
    isDefault: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
    secret: secretSchema,
  })
  .refine((key) => !needsBaseUrl(key.kind) || key.baseUrl !== '', { message: BASE_URL_REQUIRED, path: ['baseUrl'] })
  .refine((key) => key.kind === COMPATIBLE_KIND || key.providerId === key.kind, { message: 'provider does not match the key kind', path: ['providerId'] });
const payloadSchema = z.object({
  keys: z.array(backupKeySchema).max(10_000),
  settings: settingsSchema.optional(),
});
export type BackupPayload = z.infer<typeof payloadSchema>;
type BackupKey = z.infer<typeof backupKeySchema>;

/** Seals every key and setting under a key derived from the passphrase with a fresh salt. */
export async function exportBackup(
  db: VaultDb,
  dataKey: Uint8Array,
  passphrase: string,
  now: Date = new Date(),
  cost: KdfCost = defaultKdfCost,
): Promise<string> {
  const rows = await db.keys.toArray();
  const settings = (await db.meta.get('settings'))?.value;
  const payload: BackupPayload = {
    keys: rows.map((row) => ({
      id: row.id,
      kind: row.kind as BackupKey['kind'],
      providerId: row.providerId,
      label: row.label,
      baseUrl: row.baseUrl,
      isDefault: row.isDefault === 1,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      secret: openText(dataKey, `key:${row.id}`, row.secret),
    })),
    settings: settingsSchema.safeParse(settings).data,
  };
  const kdf = newKdfParams(cost);
  const kek = await deriveKek(passphrase, kdf);
  const sealed = seal(kek, BACKUP_AD, utf8.encode(JSON.stringify(payload)));
  const file = {
    format: FORMAT,
    version: 1,
    createdAt: now.toISOString(),
    kdf: { ...kdf, salt: toBase64Url(kdf.salt) },
    nonce: toBase64Url(sealed.nonce),
    ciphertext: toBase64Url(sealed.ciphertext),
  };
  return JSON.stringify(file, null, 2);
}

/** Opens a backup file. Every failure is a `bad_backup` error that says what went wrong; nothing is changed. */
export async function openBackup(text: string, passphrase: string): Promise<BackupPayload> {
  if (text.length > MAX_BACKUP_BYTES) throw new VaultError('bad_backup', 'This file is too large to be an OKAP Wallet backup.');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new VaultError('bad_backup', 'This file is not an OKAP Wallet backup (it is not JSON).');
  }
  const file = backupFileSchema.safeParse(json);
  if (!file.success && file.error.issues.some((issue) => issue.path[0] === 'kdf' && (issue.code === 'too_big' || issue.message === 'KDF cost too high'))) {
    throw new VaultError('bad_backup', 'This backup asks for a key-derivation cost far above any this wallet makes; it was not opened.');
  }
  if (!file.success) throw new VaultError('bad_backup', 'This file is not an OKAP Wallet backup, or it is damaged.');
  const kek = await deriveKek(passphrase, file.data.kdf);
  let plaintext: Uint8Array;
  try {
    plaintext = open(kek, BACKUP_AD, { nonce: file.data.nonce, ciphertext: file.data.ciphertext });
  } catch (error) {
    if (error instanceof SealError) {
      throw new VaultError('bad_backup', 'This backup could not be opened: the passphrase is wrong or the file is damaged.');
    }
    throw error;
  }
  const payload = payloadSchema.safeParse(safeJson(plaintext));
  if (!payload.success) throw new VaultError('bad_backup', 'This backup opened but its contents are not valid.');
  return payload.data;
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

export type ImportMode = 'merge' | 'replace';
export interface ImportChange {
  action: 'add' | 'update' | 'keep' | 'remove';
  label: string;
  providerId: string;
  mask: string;
  /** The key's own Base URL, so the UI can ask for access to custom hosts before importing. */
  baseUrl: string;
}

/** What an import would do, for the person to read before anything changes. */
export async function planImport(db: VaultDb, payload: BackupPayload, mode: ImportMode): Promise<ImportChange[]> {
  const local = new Map((await db.keys.toArray()).map((row) => [row.id, row]));
  const incoming = new Set(payload.keys.map((key) => key.id));
  const changes: ImportChange[] = payload.keys.map((key) => {
    const existing = local.get(key.id);
    const action = mode === 'replace' || !existing ? (existing ? 'update' : 'add') : existing.updatedAt < key.updatedAt ? 'update' : 'keep';
    return { action, label: key.label, providerId: key.providerId, mask: maskKey(key.secret), baseUrl: key.baseUrl };
  });
  if (mode === 'replace') {
    for (const row of local.values()) {
      if (!incoming.has(row.id)) changes.push({ action: 'remove', label: row.label, providerId: row.providerId, mask: row.mask, baseUrl: row.baseUrl });
    }
  }
  return changes;
}

/** Applies a plan in one transaction: it all lands, or nothing does. */
export async function applyImport(db: VaultDb, dataKey: Uint8Array, payload: BackupPayload, mode: ImportMode): Promise<void> {
  await db.transaction('rw', db.keys, db.meta, async () => {
    if (mode === 'replace') {
      await db.keys.clear();
      if (payload.settings) await db.meta.put({ id: 'settings', value: payload.settings });
    }
    for (const key of payload.keys) {
      const existing = mode === 'merge' ? await db.keys.get(key.id) : undefined;
      if (existing && existing.updatedAt >= key.updatedAt) continue;
      const row: KeyRow = {
        id: key.id,
        kind: key.kind,
        providerId: key.providerId,
        label: key.label,
        baseUrl: key.baseUrl,
        mask: maskKey(key.secret),
        isDefault: 0,
        createdAt: key.createdAt,
        updatedAt: key.updatedAt,
        secret: sealText(dataKey, `key:${key.id}`, key.secret),
      };
      await db.keys.put(row);
    }
    await settleDefaults(db, payload);
  });
}

/** Exactly one default per provider: the backup's where it names one, else the oldest key. */
async function settleDefaults(db: VaultDb, payload: BackupPayload): Promise<void> {
  const wanted = new Set(payload.keys.filter((key) => key.isDefault).map((key) => key.id));
  const rows = await db.keys.toArray();
  const byProvider = new Map<string, KeyRow[]>();
  for (const row of rows) byProvider.set(row.providerId, [...(byProvider.get(row.providerId) ?? []), row]);
  for (const group of byProvider.values()) {
    const current = group.find((row) => row.isDefault === 1 && !wanted.has(row.id));
    const chosen = current ?? group.find((row) => wanted.has(row.id)) ?? group.sort((a, b) => a.createdAt - b.createdAt)[0]!;
    for (const row of group) {
      const isDefault = row.id === chosen.id ? 1 : 0;
      if (row.isDefault !== isDefault) await db.keys.update(row.id, { isDefault });
    }
  }
}
