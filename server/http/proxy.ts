import type { Context } from 'hono';
import type { ServerGrant } from '../stores/grants';
import type { KeyKind } from '../../lib/providers/kinds';
import { adapterFor } from '../../lib/providers/registry';
import { errorResponse, handle, ProxyError, type ProxyContext, type ProxyDeps } from '../../lib/proxy';
import { likelyAdapter, parseTarget } from '../../lib/proxy/target';
import type { UsageRow } from '../../lib/usage/types';
import { callLedger, type AdmissionRefused } from '../ledger/sync-adapter';
import type { Vault } from '../vault';
import type { Env } from './owner';

function refusalError(refused: AdmissionRefused): ProxyError {
  const r = refused.result;
  if (r.kind === 'rate_limited') return new ProxyError('rate_limited', undefined, r.retryAfterSeconds);
  if (r.kind === 'storage_failed') return new ProxyError('internal_error');
  return new ProxyError(r.kind);
}

/**
 * `/v1/<provider>/…`: lib/proxy's handle, unchanged, over this process's SQL ports. Per call:
 * - the grant lookup applies origin binding: a token granted to a browser origin must come from
 *   that origin (its Origin header, which a browser sets and a page cannot); a token granted to
 *   a non-browser client is not bound;
 * - the limit ledger is the SQL ledger through the per-call bridge (see ledger/sync-adapter.ts).
 */
export function proxyHandler(vault: Vault, track: (settled: Promise<void>) => void) {
  const lookup = vault.grants.lookup();
  const keySource = vault.keys.source();
  const sink = vault.usage.sink();
  return async (c: Context<Env>): Promise<Response> => {
    const request = c.req.raw;
    const ctx: ProxyContext = {};
    // A call the SQL ledger refused never left; its row says what the app was told.
    const rewrite = (row: UsageRow): UsageRow => {
      const refused = call.refusal();
      return refused ? { ...row, status: refusalError(refused).status, costUsd: 0 } : row;
    };
    const call = callLedger(vault.ledger, vault.onError, async (row) => sink.record(rewrite(row)));
    let kind: KeyKind | undefined;
    const origin = c.req.header('origin');
    const deps: ProxyDeps = {
      grants: {
        async findByToken(token: string): Promise<ServerGrant | undefined> {
          const grant = await lookup.findByToken(token);
          if (grant) {
            c.set('grantId', grant.id);
            if (grant.originBound) ctx.origin = origin ?? '';
          }
          return grant;
        },
      },
      keys: {
        async forProvider(providerId) {
          const key = await keySource.forProvider(providerId);
          kind = key?.kind;
          return key;
        },
      },
      limits: call.ledger,
      usage: {
        record(row: UsageRow) {
          // An admitted call's row goes with its settlement, in one statement.
          if (call.takeRow(row)) return;
          const written = sink.record(rewrite(row));
          // A shutdown waits for it before closing the database.
          track(Promise.resolve(written).catch(() => undefined));
          return written;
        },
      },
      now: Date.now,
      // Nothing reaches the provider before the SQL admission is committed.
      fetch: async (input, init) => {
        await call.admitted();
        return fetch(input, init);
      },
      revocations: vault.bus.revocations,
      onError: vault.onError,
    };
    let response = await handle(request, ctx, deps);
    const refused = call.refusal();
    if (refused) {
      let shape = kind ? adapterFor(kind) : undefined;
      if (!shape) {
        try {
          shape = likelyAdapter(parseTarget(request.url).providerId);
        } catch {
          shape = adapterFor('openai');
        }
      }
      await response.body?.cancel().catch(() => undefined);
      response = errorResponse(shape, refusalError(refused));
    }
    track(call.settled());
    return response;
  };
}
