import Dexie, { type DexieOptions, type Table } from 'dexie';
import type { Grant } from '../grants/types';
import type { CounterState, Reservation } from '../limits/types';
import type { UsageRow } from '../usage/types';
import type { Sealed } from '../vault/aead';

/** Small singletons (vault header, lockout, settings), each parsed with its own schema on read. */
export interface MetaRow {
  id: string;
  value: unknown;
}

export interface KeyRow {
  id: string;
  /** Which adapter speaks this key's wire format. */
  kind: string;
  /** OKAP provider id apps ask for (`openai`, `groq`, …). */
  providerId: string;
  label: string;
  /** Empty: the provider's own API. */
  baseUrl: string;
  /** What the UI may show: `sk-…a1b2`. Never more of the key. */
  mask: string;
  /** 1 for the default key of its provider (IndexedDB cannot index booleans). */
  isDefault: 0 | 1;
  createdAt: number;
  updatedAt: number;
  /** The key itself, sealed with the data key, the row id bound as associated data. */
  secret: Sealed;
}

export interface GrantRow extends Grant {
  /** The token itself, sealed with the data key, so `getGrants()` can hand it back to its own origin. */
  token: Sealed;
}

/**
 * The only place that knows Dexie. Versions are declarative; never edit a shipped one, add the
 * next, with a fixture written by it in `fixtures/` (see migrations.test.ts).
 */
export class VaultDb extends Dexie {
  meta!: Table<MetaRow, string>;
  keys!: Table<KeyRow, string>;
  grants!: Table<GrantRow, string>;
  usage!: Table<UsageRow, string>;
  counters!: Table<CounterState, [string, string]>;
  reservations!: Table<Reservation, string>;

  constructor(name = 'okap-vault', options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({ meta: 'id', keys: 'id, providerId' });
    this.version(2).stores({ grants: 'id, &tokenHash, origin' });
    // Usage is append-only history; limits read only the running counters, never scan it.
    this.version(3).stores({ usage: 'id, time, grantId', counters: '[grantId+provider]', reservations: 'id' });
    // Write-ahead rows: an admitted call's row exists from admission on (`started`), so the dashboard
    // finds calls in flight or interrupted by status. Rows, counters and reservations are unchanged.
    this.version(4).stores({ usage: 'id, time, grantId, status' });
    // The dashboard: Activity filters read one compound index each (newest first within a filter),
    // and Apps finds a grant's last call without scanning its rows. Rows are unchanged; grants may
    // carry `pausedAt` (not indexed).
    this.version(5).stores({ usage: 'id, time, grantId, status, [grantId+time], [origin+time], [provider+time], [model+time], [status+time]' });
  }
}
