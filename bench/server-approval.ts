// Approval round trip of the vault server (issue 9): from the owner's approve call being sent to
// the held POST /okap/request (the okap Python SDK's wire format) returning the token, on PGlite.
// Run: npx tsx bench/server-approval.ts   (ROUNDS, default 30)
import { fmt, median, percentile } from './stats';
import { benchUpstream, benchVault } from './server-kit';

const ROUNDS = Number(process.env.ROUNDS ?? 30);
const upstream = await benchUpstream();
const { vault } = await benchVault(upstream.url);

try {
  const roundTrips: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const held = fetch(`${vault.url}/okap/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ okap: '1.0', provider: 'openai', models: ['gpt-4o-mini'], capabilities: ['chat'], app_name: `bench ${i}` }),
    }).then(async (r) => ({ at: performance.now(), body: (await r.json()) as { approved: boolean } }));
    let id: string | undefined;
    while (!id) {
      const { requests } = (await (await vault.owner('/owner/requests')).json()) as { requests: { id: string }[] };
      id = requests[0]?.id;
    }
    const sent = performance.now();
    const approved = await vault.owner(`/owner/requests/${id}/approve`, { method: 'POST' });
    if (!approved.ok) throw new Error(`approve: ${approved.status}`);
    const { at, body } = await held;
    if (!body.approved) throw new Error('not approved');
    roundTrips.push(at - sent);
  }
  console.log(`Approval round trip (approve sent → held /okap/request answered), ${ROUNDS} rounds: median ${fmt(median(roundTrips))}, p90 ${fmt(percentile(roundTrips, 90))}, max ${fmt(Math.max(...roundTrips))}`);
} finally {
  await vault.stop();
  await upstream.stop();
}
