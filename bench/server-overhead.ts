// Figures of the vault server (issue 9), against the same aimock upstream on the same machine:
//   1. latency it adds over a direct call, p50 and p99, and requests per second, at concurrency
//      1, 16 and 64, beside the Portkey AI gateway (@portkey-ai/gateway) on the same upstream;
//      the vault admits every call in an SQL transaction and meters it, Portkey's open gateway does neither;
//   2. its throughput on PGlite against a real PostgreSQL at concurrency 16 (with DATABASE_URL_BENCH
//      or the test role's server, see server/test/pg.ts).
// Run: npx tsx bench/server-overhead.ts   (DURATION=seconds per run, default 8)
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '../server/test/harness';
import { freshDatabase } from '../server/test/pg';
import { benchUpstream, benchVault, chatBody, KEY } from './server-kit';

const DURATION = Number(process.env.DURATION ?? 8);
const CONCURRENCY = [1, 16, 64];

const upstream = await benchUpstream();
const pglite = await benchVault(upstream.url);

// Portkey's gateway, started as its README says (node build/start-server.js), on a free port.
const portkeyPort = await freePort();
const portkeyDir = dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json'));
const portkey = spawn(process.execPath, [join(portkeyDir, 'build/start-server.js'), `--port=${portkeyPort}`, '--headless'], { stdio: 'ignore' });
for (let i = 0; ; i++) {
  try {
    await fetch(`http://127.0.0.1:${portkeyPort}/`);
    break;
  } catch {
    if (i > 100) throw new Error('Portkey did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const targets = {
  direct: { url: `${upstream.url}/v1/chat/completions`, headers: { authorization: `Bearer ${KEY}` } },
  vault: { url: `${pglite.base}/chat/completions`, headers: { authorization: `Bearer ${pglite.token}` } },
  portkey: {
    url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
    headers: { authorization: `Bearer ${KEY}`, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream.url}/v1` },
  },
};

async function run(target: { url: string; headers: Record<string, string> }, connections: number, duration = DURATION) {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...target.headers },
    body: chatBody,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

try {
  // Warm every path (JIT, connection pools, the grant's counter row) before measuring.
  for (const t of Object.values(targets)) await run(t, 4, 2);
  console.log(`Added latency over a direct call, and throughput (autocannon, ${DURATION} s a run, one non-streaming chat call):`);
  console.log('| concurrency | direct p50 / p99, req/s | vault added p50 / p99, req/s | Portkey added p50 / p99, req/s |');
  console.log('|---|---|---|---|');
  for (const c of CONCURRENCY) {
    const direct = await run(targets.direct, c);
    const vault = await run(targets.vault, c);
    const gateway = await run(targets.portkey, c);
    const added = (x: typeof direct) => `${(x.p50 - direct.p50).toFixed(1)} / ${(x.p99 - direct.p99).toFixed(1)} ms, ${x.rps.toFixed(0)}`;
    console.log(`| ${c} | ${direct.p50} / ${direct.p99} ms, ${direct.rps.toFixed(0)} | ${added(vault)} | ${added(gateway)} |`);
  }

  const pgUrl = process.env.DATABASE_URL_BENCH ?? (await freshDatabase('bench'));
  const postgres = await benchVault(upstream.url, { DATABASE_URL: pgUrl });
  try {
    await run({ url: `${postgres.base}/chat/completions`, headers: { authorization: `Bearer ${postgres.token}` } }, 4, 2);
    const onPglite = await run(targets.vault, 16);
    const onPostgres = await run({ url: `${postgres.base}/chat/completions`, headers: { authorization: `Bearer ${postgres.token}` } }, 16);
    console.log(`\nThroughput at concurrency 16: PGlite ${onPglite.rps.toFixed(0)} req/s (p50 ${onPglite.p50} ms), PostgreSQL ${onPostgres.rps.toFixed(0)} req/s (p50 ${onPostgres.p50} ms)`);
  } finally {
    await postgres.vault.stop();
  }
} finally {
  portkey.kill('SIGTERM');
  await pglite.vault.stop();
  await upstream.stop();
}
