import { fromBase64Url, toBase64Url } from '../encoding/base64';
import type { VaultDb } from '../db/schema';
import { createEnvelope, openEnvelope, vaultHeaderSchema, WrongPassphraseError, wrapDataKey } from './envelope';
import { defaultKdfCost, type KdfCost } from './kdf';
import { afterFailure, lockoutSchema, noLockout } from './lockout';
import { metaEntry } from './meta';
import { defaultSettings, settingsSchema, type Settings } from './settings';
import { VaultError, vaultLocked } from './errors';

/**
 * Where the unlocked data key survives a restart of the background worker (the browser's
 * `storage.session`: memory only, gone when the browser closes, unreadable to content scripts).
 */
export interface SessionStore {
  get(): Promise<unknown>;
  set(state: SessionState): Promise<void>;
  clear(): Promise<void>;
}
export interface SessionState {
  dataKey: string;
  lastActivity: number;
}

export interface VaultStatus {
  exists: boolean;
  unlocked: boolean;
  /** Epoch ms before which unlock refuses to try; 0 when there is no wait. */
  retryAt: number;
  failures: number;
  autoLockMinutes: number;
}

export const MIN_PASSPHRASE_LENGTH = 10;
/** Activity is written to the session store at most this often, so busy traffic does not write on every call. */
const ACTIVITY_WRITE_INTERVAL_MS = 10_000;

export interface VaultOptions {
  db: VaultDb;
  session: SessionStore;
  now?: () => number;
  kdfCost?: KdfCost;
  /** Told whenever the vault locks or unlocks, so the background can schedule the auto-lock alarm and tell pages. */
  onChange?: (unlocked: boolean) => void;
}

/** The lock state: holds the data key (never the passphrase) while unlocked. */
export class Vault {
  private dataKey: Uint8Array | undefined;
  private lastActivity = 0;
  private lastActivityWrite = 0;
  /** Serializes passphrase checks so parallel guesses cannot slip past the lockout count. */
  private queue: Promise<unknown> = Promise.resolve();
  readonly header;
  readonly lockout;
  readonly settingsEntry;
  private readonly now: () => number;
  private readonly kdfCost: KdfCost;

  constructor(private readonly options: VaultOptions) {
    this.now = options.now ?? Date.now;
    this.kdfCost = options.kdfCost ?? defaultKdfCost;
    this.header = metaEntry(options.db, 'header', vaultHeaderSchema);
    this.lockout = metaEntry(options.db, 'lockout', lockoutSchema);
    this.settingsEntry = metaEntry(options.db, 'settings', settingsSchema);
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  get isUnlocked(): boolean {
    return this.dataKey !== undefined;
  }

  /** The data key, for sealing and opening records. Throws `vault_locked` when locked. */
  requireKey(): Uint8Array {
    if (!this.dataKey) throw vaultLocked();
    return this.dataKey;
  }

  async settings(): Promise<Settings> {
    return (await this.settingsEntry.get()) ?? defaultSettings;
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.settings()), ...patch });
    await this.settingsEntry.put(next);
    return next;
  }

  async status(): Promise<VaultStatus> {
    const [row, lockout, settings] = await Promise.all([
      this.options.db.meta.get('header'),
      this.lockout.get(),
      this.settings(),
    ]);
    const { failures, retryAt } = lockout ?? noLockout;
    return {
      exists: row !== undefined,
      unlocked: this.isUnlocked,
      failures,
      retryAt: retryAt > this.now() ? retryAt : 0,
      autoLockMinutes: settings.autoLockMinutes,
    };
  }

  /** Brings back the data key a previous worker left in the session store, unless auto-lock has passed. */
  async restore(): Promise<void> {
    const state = await this.options.session.get();
    if (!isSessionState(state)) return;
    const { autoLockMinutes } = await this.settings();
    if (this.now() - state.lastActivity >= autoLockMinutes * 60_000) {
      await this.lock();
      return;
    }
    try {
      const key = fromBase64Url(state.dataKey);
      if (key.length !== 32) return;
      this.dataKey = key;
      this.lastActivity = this.lastActivityWrite = state.lastActivity;
    } catch {
      await this.options.session.clear();
    }
  }

  async create(passphrase: string): Promise<void> {
    return this.serialized(async () => {
      if (await this.options.db.meta.get('header')) throw new VaultError('vault_exists', 'A vault already exists.');
      checkStrength(passphrase);
      const { dataKey, header } = await createEnvelope(passphrase, this.kdfCost);
      await this.header.put(header);
      await this.lockout.put(noLockout);
      await this.unlocked(dataKey);
    });
  }

  async unlock(passphrase: string): Promise<void> {
    return this.serialized(async () => {
      const dataKey = await this.checkPassphrase(passphrase);
      await this.unlocked(dataKey);
    });
  }

  async changePassphrase(current: string, next: string): Promise<void> {
    return this.serialized(async () => {
      checkStrength(next);
      const dataKey = await this.checkPassphrase(current);
      // Only the wrapping changes: every record stays sealed under the same data key.
      await this.header.put(await wrapDataKey(next, dataKey, this.kdfCost));
    });
  }

  /** Proves a passphrase and returns the data key; wrong tries count toward the lockout. */
  async verifyPassphrase(passphrase: string): Promise<Uint8Array> {
    return this.serialized(() => this.checkPassphrase(passphrase));
  }

  private async checkPassphrase(passphrase: string): Promise<Uint8Array> {
    const header = await this.header.get();
    if (!header) throw new VaultError('no_vault', 'There is no vault yet. Create one first.');
    const lockout = (await this.lockout.get()) ?? noLockout;
    if (lockout.retryAt > this.now()) {
      throw new VaultError('locked_out', 'Too many wrong passphrases. Wait before trying again.', lockout.retryAt);
    }
    try {
      const { dataKey, upgraded } = await openEnvelope(passphrase, header, this.kdfCost);
      if (upgraded) await this.header.put(upgraded);
      if (lockout.failures > 0) await this.lockout.put(noLockout);
      return dataKey;
    } catch (error) {
      if (!(error instanceof WrongPassphraseError)) throw error;
      const next = afterFailure(lockout, this.now());
      await this.lockout.put(next);
      if (next.retryAt > 0) {
        throw new VaultError('locked_out', 'Wrong passphrase. Too many wrong tries: wait before trying again.', next.retryAt);
      }
      throw new VaultError('wrong_passphrase', 'Wrong passphrase. Nothing was changed.');
    }
  }

  private async unlocked(dataKey: Uint8Array): Promise<void> {
    this.dataKey = dataKey;
    this.lastActivity = this.lastActivityWrite = this.now();
    await this.options.session.set({ dataKey: toBase64Url(dataKey), lastActivity: this.lastActivity });
    this.options.onChange?.(true);
  }

  async lock(): Promise<void> {
    const was = this.isUnlocked;
    this.dataKey?.fill(0);
    this.dataKey = undefined;
    await this.options.session.clear();
    if (was) this.options.onChange?.(false);
  }

  /** Someone used the vault: push the auto-lock deadline back. */
  async touch(): Promise<void> {
    if (!this.dataKey) return;
    this.lastActivity = this.now();
    if (this.lastActivity - this.lastActivityWrite < ACTIVITY_WRITE_INTERVAL_MS) return;
    this.lastActivityWrite = this.lastActivity;
    await this.options.session.set({ dataKey: toBase64Url(this.dataKey), lastActivity: this.lastActivity });
  }

  /** When the auto-lock deadline is, or undefined while locked. */
  async lockDeadline(): Promise<number | undefined> {
    if (!this.dataKey) return undefined;
    return this.lastActivity + (await this.settings()).autoLockMinutes * 60_000;
  }

  async checkAutoLock(): Promise<boolean> {
    const deadline = await this.lockDeadline();
    if (deadline === undefined || deadline > this.now()) return false;
    await this.lock();
    return true;
  }
}

function checkStrength(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new VaultError('weak_passphrase', `The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
  }
}

function isSessionState(value: unknown): value is SessionState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  return typeof state.dataKey === 'string' && typeof state.lastActivity === 'number';
}
