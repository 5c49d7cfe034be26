import { ADMIT_FUNCTION } from './admit-function';
import { LEDGER_V3 } from './ledger-v3';
import { LOCK_CLASS, type Database } from './sql';

/**
 * The schema, one entry per version, applied in order and never edited once released: a new
 * change is a new entry. Times are epoch ms and money is USD, both `double precision`.
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE credentials (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('owner', 'device')),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_at double precision NOT NULL,
  revoked_at double precision NOT NULL DEFAULT 0
);
CREATE TABLE pairing_codes (
  code_hash text PRIMARY KEY,
  expires_at double precision NOT NULL,
  used_at double precision NOT NULL DEFAULT 0
);
CREATE TABLE provider_keys (
  id text PRIMARY KEY,
  provider text NOT NULL,
  kind text NOT NULL,
  base_url text NOT NULL,
  label text NOT NULL,
  mask text NOT NULL,
  nonce bytea NOT NULL,
  ciphertext bytea NOT NULL,
  created_at double precision NOT NULL
);
CREATE INDEX provider_keys_provider ON provider_keys (provider, created_at);
CREATE TABLE access_requests (
  id text PRIMARY KEY,
  origin text NOT NULL,
  origin_bound boolean NOT NULL,
  client_key text NOT NULL,
  request jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'granted', 'denied')),
  grant_id text,
  created_at double precision NOT NULL,
  decided_at double precision NOT NULL DEFAULT 0
);
CREATE INDEX access_requests_status ON access_requests (status, created_at);
CREATE TABLE grants (
  id text PRIMARY KEY,
  origin text NOT NULL,
  origin_bound boolean NOT NULL,
  client jsonb NOT NULL,
  details jsonb NOT NULL,
  token_hash text UNIQUE,
  created_at double precision NOT NULL,
  expires_at double precision NOT NULL,
  revoked_at double precision NOT NULL DEFAULT 0
);
CREATE TABLE rules (
  id text PRIMARY KEY,
  rule jsonb NOT NULL,
  created_at double precision NOT NULL
);
CREATE TABLE counters (
  grant_id text NOT NULL,
  provider text NOT NULL,
  day text NOT NULL,
  day_requests double precision NOT NULL,
  day_spent_usd double precision NOT NULL,
  month text NOT NULL,
  month_spent_usd double precision NOT NULL,
  recent double precision[] NOT NULL,
  PRIMARY KEY (grant_id, provider)
);
CREATE TABLE reservations (
  id text PRIMARY KEY,
  grant_id text NOT NULL,
  provider text NOT NULL,
  amount_usd double precision NOT NULL,
  day text NOT NULL,
  month text NOT NULL,
  created_at double precision NOT NULL,
  label jsonb,
  instance integer NOT NULL
);
CREATE TABLE usage (
  id text PRIMARY KEY,
  time double precision NOT NULL,
  origin text NOT NULL,
  grant_id text NOT NULL,
  provider text NOT NULL,
  model text,
  endpoint text NOT NULL,
  status text NOT NULL,
  input_tokens double precision NOT NULL,
  output_tokens double precision NOT NULL,
  cache_read_tokens double precision NOT NULL,
  cache_write_tokens double precision NOT NULL,
  reasoning_tokens double precision NOT NULL,
  cost_usd double precision,
  latency_ms double precision,
  ttfb_ms double precision
);
CREATE INDEX usage_time ON usage (time);
`,
  },
  { version: 2, sql: ADMIT_FUNCTION },
  { version: 3, sql: LEDGER_V3 },
];

/**
 * Applies the versions not yet applied, all in one transaction under an advisory lock, so
 * several processes starting at once on an empty database apply each version exactly once
 * (the others wait, then find nothing left to do). `onLocked` runs inside the same lock, for
 * first-start work that must also happen once (the owner token).
 */
export async function migrate(db: Database, onLocked?: (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<void>) {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at double precision NOT NULL)');
    const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    const ran: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
      ran.push(m.version);
    }
    await onLocked?.(tx);
    return ran;
  });
}
