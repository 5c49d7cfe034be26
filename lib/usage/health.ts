/**
 * Whether the wallet can record calls. When its store cannot commit (quota full, database
 * blocked or closed, disk error), every call is refused with storage_unavailable; this says why,
 * in words, for the popup and the dashboard.
 */
import type { Overrun } from '../limits/types';

/** A grant's provider held because a call of it settled above its reservation (see LimitLedger). */
export type OverrunView = Overrun & { grantId: string; provider: string; origin?: string };

/** What the popup and the dashboard show about the proxy's own state. */
export interface ProxyHealth {
  storage: StorageHealth;
  overruns: OverrunView[];
}

export type StorageHealth = { ok: true } | { ok: false; since: number; lastAt: number; reason: string; message: string };

/** What the person is told, by the error's name (DOMException names from IndexedDB and Dexie). */
export function describeStorageError(error: unknown): { reason: string; message: string } {
  const name = error && typeof error === 'object' && 'name' in error ? String((error as { name: unknown }).name) : 'Error';
  const inner = error && typeof error === 'object' && 'inner' in error ? (error as { inner: unknown }).inner : undefined;
  const innerName = inner && typeof inner === 'object' && 'name' in inner ? String((inner as { name: unknown }).name) : '';
  if (name === 'QuotaExceededError' || innerName === 'QuotaExceededError') {
    return { reason: 'quota', message: "The browser's storage for the wallet is full. Free disk space, or delete old activity in Settings." };
  }
  if (['StorageTimeoutError', 'DatabaseClosedError', 'InvalidStateError', 'VersionError', 'OpenFailedError', 'BlockedError'].includes(name)) {
    return { reason: 'blocked', message: "The wallet's database is closed or blocked by another window. Close other wallet windows or restart the browser." };
  }
  return { reason: 'error', message: `The wallet's database could not be written (${name}).` };
}

/** Tracks the store's last outcome; `onChange` hears when it flips. */
export function storageHealthTracker(now: () => number, onChange?: (health: StorageHealth) => void) {
  let health: StorageHealth = { ok: true };
  return {
    get: (): StorageHealth => health,
    succeeded(): void {
      if (health.ok) return;
      health = { ok: true };
      onChange?.(health);
    },
    failed(error: unknown): void {
      const at = now();
      const { reason, message } = describeStorageError(error);
      const flipped = health.ok;
      health = { ok: false, since: health.ok ? at : health.since, lastAt: at, reason, message };
      if (flipped) onChange?.(health);
    },
  };
}
