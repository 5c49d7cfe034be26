import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './sql';

/**
 * PostgreSQL in WebAssembly, in a directory. One process owns the directory, so every
 * reservation left in it by an earlier run belongs to a process that is gone.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  // No directory: in memory (the unit tests).
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = dataDir !== undefined ? await PGlite.create(`${dataDir}/pgdata`) : await PGlite.create();
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(text: string, params: readonly unknown[] = []) {
      return (await q.query<T>(text, [...params])).rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
  });
  const base = wrap(db);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async listen(channel, onMessage) {
      await db.listen(channel, onMessage);
    },
    async notify(channel, payload) {
      await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async holdLifeLock() {
      // Nothing to hold: no other process can open this directory while this one runs.
    },
    async lifeLockFree() {
      return true;
    },
    close: () => db.close(),
  };
}
