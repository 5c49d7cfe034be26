/**
 * The one SQL surface the server's stores use, so the same statements run on PGlite (embedded,
 * one process) and on a real PostgreSQL (several processes). Numbers that hold epoch ms or USD are
 * `double precision` in the schema, so both drivers hand them back as JS numbers.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (the migrations). */
  exec(text: string): Promise<void>;
}

export interface Database extends Queryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls `onMessage` for every NOTIFY on `channel`, from any process; resolves once listening. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<void>;
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Holds a session-level advisory lock for the life of this connection: other processes see
   * it free only once this process is gone (how orphaned reservations are told apart).
   */
  holdLifeLock(key: number): Promise<void>;
  /** Whether the process holding `key` as its life lock is gone (its lock is free). */
  lifeLockFree(key: number): Promise<boolean>;
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** Advisory lock class for this server (the first int4 of the two-key form). */
export const LOCK_CLASS = 0x0ca9;
