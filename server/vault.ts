import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { recoverInterruptedCalls } from '../lib/proxy';
import { accessService } from './access';
import type { ServerConfig } from './config';
import { migrate } from './db/migrate';
import { openPglite } from './db/pglite';
import { openPostgres } from './db/postgres';
import type { Database } from './db/sql';
import { eventBus } from './events';
import { sqlLedger } from './ledger/sql-ledger';
import { loadServerKey } from './secrets';
import { sqlCredentials } from './stores/credentials';
import { sqlGrantStore } from './stores/grants';
import { sqlKeyStore } from './stores/keys';
import { sqlRequestStore } from './stores/requests';
import { sqlRuleStore } from './stores/rules';
import { sqlUsageStore } from './stores/usage';

/**
 * Everything one server process holds: the database, the stores over it, the event bus and the
 * ledger. Opening it applies the migrations (under an advisory lock), makes the owner token on
 * a first start, and settles the calls that processes now gone left in flight.
 */
export async function openVault(config: ServerConfig, log: Logger) {
  const onError = (error: unknown) => log.error({ err: describe(error) }, 'internal error');
  const lost = () => {
    log.fatal("lost the PostgreSQL connection that carries revocations and this process's life lock; exiting");
    process.exit(1);
  };
  const db: Database = config.databaseUrl ? await openPostgres(config.databaseUrl, onError, lost) : await openPglite(config.dataDir);
  const serverKey = loadServerKey(config.serverKey, config.dataDir);
  // This process's id on its reservations; its session lock tells the others it is alive.
  const instance = randomInt(1, 2 ** 31 - 1);
  await db.holdLifeLock(instance);

  const credentials = sqlCredentials(db, config.ownerToken);
  let firstOwnerToken: string | undefined;
  await migrate(db, async (tx) => {
    firstOwnerToken = await credentials.ensureOwner(tx);
  });

  const grants = sqlGrantStore(db);
  const keys = sqlKeyStore(db, serverKey);
  const usage = sqlUsageStore(db);
  const rules = sqlRuleStore(db);
  const requests = sqlRequestStore(db, grants);
  const bus = await eventBus(db, onError);
  bus.subscribe((e) => {
    if (e.type === 'keys') keys.invalidate();
  });
  const ledger = sqlLedger(db, { instance, timeZone: config.timeZone, onError });
  // Before serving: calls left in flight by processes now gone are billed their reservation, their rows `interrupted`.
  const recovered = await recoverInterruptedCalls({ limits: ledger });
  const access = accessService({ requests, rules, keys, bus, publicUrl: config.publicUrl });
  return { config, log, db, credentials, grants, keys, usage, rules, requests, bus, ledger, access, recovered, firstOwnerToken, onError };
}
export type Vault = Awaited<ReturnType<typeof openVault>>;

/** An error for a log line: its name, code and message, never a request or a body. */
export function describe(error: unknown): { name?: string; code?: unknown; message?: string } {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 200) };
  return { name: error.name, code: (error as { code?: unknown }).code, message: error.message.slice(0, 500) };
}
