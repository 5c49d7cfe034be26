import type { Context } from 'hono';
import type { ServerGrant } from '../stores/grants';
import { handle, type ProxyContext, type ProxyDeps } from '../../lib/proxy';
import type { UsageRow } from '../../lib/usage/types';
import type { Vault } from '../vault';
import type { Env } from './owner';

/**
 * `/v1/<provider>/…`: lib/proxy's handle, unchanged, over this process's SQL ports. Per call:
 * - the grant lookup applies origin binding: a token granted to a browser origin must come from
 *   that origin (its Origin header, which a browser sets and a page cannot); a token granted to
 *   a non-browser client is not bound;
 * - the limit ledger is the SQL ledger itself (server/ledger/sql-ledger.ts): lib admits through
 *   it, write-ahead, before forwarding anything, and maps its refusals (overrun_hold,
 *   storage_unavailable included) to the provider's error shape, as in the extension;
 * - the usage sink writes only the rows of calls that were refused (an admitted call's row is
 *   written with its reservation and completed with its settlement, by the ledger).
 */
export function proxyHandler(vault: Vault, track: (settled: Promise<void>) => void) {
  const lookup = vault.grants.lookup();
  const keySource = vault.keys.source();
  const sink = vault.usage.sink();
  const deps: Omit<ProxyDeps, 'grants'> = {
    keys: keySource,
    limits: vault.ledger,
    usage: {
      record(row: UsageRow) {
        const written = sink.record(row);
        // A shutdown waits for it before closing the database.
        track(Promise.resolve(written).catch(() => undefined));
        return written;
      },
    },
    now: Date.now,
    fetch: (input, init) => fetch(input, init),
    revocations: vault.bus.revocations,
    onError: vault.onError,
  };
  return async (c: Context<Env>): Promise<Response> => {
    const ctx: ProxyContext = {};
    const origin = c.req.header('origin');
    const grants: ProxyDeps['grants'] = {
      async findByToken(token: string): Promise<ServerGrant | undefined> {
        const grant = await lookup.findByToken(token);
        if (grant) {
          c.set('grantId', grant.id);
          if (grant.originBound) ctx.origin = origin ?? '';
        }
        return grant;
      },
    };
    return handle(c.req.raw, ctx, { ...deps, grants });
  };
}
