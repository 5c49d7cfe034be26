import pg from 'pg';
import { LOCK_CLASS, type Database, type Queryable } from './sql';

// BIGINT counts (COUNT(*)) as numbers: they never come near 2^53 here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * A real PostgreSQL through `pg`: a pool for queries and transactions, and one dedicated
 * connection for LISTEN and this process's life lock (a session lock lives as long as it does).
 */
/**
 * `onLost` is called when the dedicated connection ends unasked: this process then hears no
 * revocation and holds no life lock, so it must stop serving (the caller exits; restart it).
 */
export async function openPostgres(url: string, onError: (error: unknown) => void, onLost: () => void): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', onError);
  const session = new pg.Client({ connectionString: url });
  let closing = false;
  session.on('error', onError);
  session.on('end', () => {
    if (!closing) onLost();
  });
  await session.connect();
  const listeners = new Map<string, ((payload: string) => void)[]>();
  session.on('notification', (n) => {
    for (const fn of listeners.get(n.channel) ?? []) fn(n.payload ?? '');
  });
  const query = async <T>(text: string, params: readonly unknown[] = []): Promise<T[]> =>
    (await pool.query(text, [...params])).rows as T[];
  return {
    kind: 'postgres',
    query,
    async exec(text) {
      await pool.query(text);
    },
    async transaction(fn) {
      const client = await pool.connect();
      const tx: Queryable = {
        async query<T>(text: string, params: readonly unknown[] = []) {
          return (await client.query(text, [...params])).rows as T[];
        },
        async exec(text: string) {
          await client.query(text);
        },
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onMessage) {
      const list = listeners.get(channel) ?? [];
      if (list.length === 0) await session.query(`LISTEN "${channel.replace(/"/g, '')}"`);
      listeners.set(channel, [...list, onMessage]);
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async holdLifeLock(key) {
      await session.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, key]);
    },
    async lifeLockFree(key) {
      // Taken and given back on one connection: a session lock belongs to the connection.
      const client = await pool.connect();
      try {
        const [row] = (await client.query('SELECT pg_try_advisory_lock($1, $2) AS free', [LOCK_CLASS, key])).rows as { free: boolean }[];
        if (row?.free) await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, key]);
        return row?.free === true;
      } finally {
        client.release();
      }
    },
    async close() {
      closing = true;
      await session.end().catch(() => undefined);
      await pool.end();
    },
  };
}
