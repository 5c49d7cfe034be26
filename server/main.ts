/**
 * `npm run vault`: the self-hostable OKAP vault. Reads its settings from the environment
 * (README, "Self-hosting the vault"), opens the database, and serves until SIGTERM or SIGINT.
 */
import { serve } from '@hono/node-server';
import pino from 'pino';
import { buildApp } from './app';
import { ConfigError, readConfig } from './config';
import { describe, openVault } from './vault';

/** How long a shutdown waits for running streams before cutting them (they are settled either way). */
const DRAIN_MS = 30_000;

async function main(): Promise<void> {
  const log = pino({ base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  let config;
  try {
    config = readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`okap-vault: ${error.message}\n`);
    process.exit(2);
  }
  const vault = await openVault(config, log);
  if (vault.recovered > 0) log.info({ reservations: vault.recovered }, 'settled calls left in flight by a stopped process');

  const settling = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    settling.add(p);
    void p.finally(() => settling.delete(p));
  };
  const closing = new AbortController();
  const app = buildApp(vault, { track, closing: closing.signal });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const url = `http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
    log.info({ url, public_url: config.publicUrl, database: vault.db.kind }, 'OKAP vault listening');
    process.stderr.write(`OKAP vault listening on ${url} (public URL ${config.publicUrl}, ${vault.db.kind})\n`);
    if (vault.firstOwnerToken) {
      // Shown once, on the terminal only, never in a log line; only its hash is kept.
      process.stderr.write(`Owner token (shown once; keep it safe): ${vault.firstOwnerToken}\n`);
    }
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new calls, letting running ones finish');
    // Ends event streams and long polls at once; proxied calls run on.
    closing.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const timer = setTimeout(() => {
      log.warn('running calls did not finish in time; cutting them (they are settled)');
      (server as import('node:http').Server).closeAllConnections?.();
    }, DRAIN_MS);
    await closed;
    clearTimeout(timer);
    await Promise.allSettled([...settling]);
    // Streams that ended as the server closed settle through the ledger; their commits land first.
    await vault.ledger.idle();
    await vault.db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`okap-vault failed to start: ${JSON.stringify(describe(error))}\n`);
  process.exit(1);
});
