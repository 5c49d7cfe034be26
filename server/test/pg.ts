import pg from 'pg';

/** Where the PostgreSQL tests create their databases (.ci/run starts it and makes this role). */
export const PG_ADMIN_URL = process.env.OKAP_TEST_PG_URL ?? 'postgres://okap:okap@127.0.0.1:5432/postgres';

/** A fresh, empty database for one test file; its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} (.ci/run starts it: pg_ctlcluster 15 main start): ${String(error)}`);
  }
  const db = `okap_${name}_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${db}`;
  return url.toString();
}

export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}
