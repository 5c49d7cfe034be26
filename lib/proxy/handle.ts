import type { Grant } from '../grants/types';
import type { GrantedAuthorizationDetail } from '../protocol';
import type { PriceOverride } from '../pricing';
import { baseUrlOr } from '../providers/common';
import { adapterFor } from '../providers/registry';
import type { BodyFacts, ProviderAdapter, Route } from '../providers/types';
import type { UsageRow } from '../usage/types';
import { admit, hasSpendLimit } from './admit';
import { findGrant, liveDetail, readToken } from './authenticate';
import { authorizeRoute } from './authorize';
import { readBody, type CallBody } from './body';
import type { ProviderKey, ProxyContext, ProxyDeps } from './deps';
import { errorResponse, ProxyError, toProxyError } from './errors';
import { estimateCost } from './estimate';
import { forward } from './forward';
import { newRowId, recordRow, settler } from './settle';
import { likelyAdapter, parseTarget, type Target } from './target';

/**
 * What the stages have learnt so far: the shape refusals take (the likely adapter until the
 * key's is known) and, once a grant is found, what a refusal's usage row says.
 */
interface Trail {
  startedAt: number;
  shape: ProviderAdapter;
  grant?: Grant;
  providerId?: string;
  endpoint?: string;
  model?: string;
  /** Set once the call is admitted: from then on its settlement writes the row. */
  admitted?: boolean;
}

interface Authenticated {
  target: Target;
  /** The token came as `?key=`: only an adapter that reads it there may serve the call. */
  tokenFromQuery: boolean;
  grant: Grant;
  detail: GrantedAuthorizationDetail;
  revoked: AbortSignal | undefined;
}

/** route (which provider) → authenticate → the grant's own checks */
async function authenticate(request: Request, ctx: ProxyContext, deps: ProxyDeps, trail: Trail): Promise<Authenticated> {
  const target = parseTarget(request.url);
  trail.shape = likelyAdapter(target.providerId);
  const presented = readToken(request, target.url, trail.shape);
  const grant = await findGrant(presented.token, deps.grants);
  Object.assign(trail, { grant, providerId: target.providerId, endpoint: target.path });
  const detail = liveDetail(grant, target, ctx, deps.now());
  const revoked = deps.revocations?.signal(grant.id);
  if (revoked?.aborted) throw new ProxyError('token_revoked');
  return { target, tokenFromQuery: presented.fromQuery, grant, detail, revoked };
}

interface Routed {
  key: ProviderKey;
  adapter: ProviderAdapter;
  /** The key's base URL (or the adapter's default), no trailing slash. */
  base: string;
  body: CallBody;
  route: Route;
  /** What the body asks for beyond the route, for authorisation and the reservation. */
  facts: BodyFacts;
}

/** route (which endpoint, which model), by the adapter of the key that serves the provider */
async function routeCall(request: Request, auth: Authenticated, deps: ProxyDeps, trail: Trail): Promise<Routed> {
  const { target } = auth;
  const key = await deps.keys.forProvider(target.providerId);
  if (!key) throw new ProxyError('no_key', `The OKAP vault holds no key for ${target.providerId}`);
  const adapter = adapterFor(key.kind);
  trail.shape = adapter;
  if (auth.tokenFromQuery && !adapter.tokenInQuery) throw new ProxyError('token_invalid', 'This provider takes the OKAP token in a header, not in ?key=');
  const base = baseUrlOr(key.baseUrl, adapter.defaultBaseUrl);
  if (base === '') throw new ProxyError('no_key', `The key for ${target.providerId} has no base URL`);
  const body = await readBody(request);
  const route = adapter.route(request.method, target.path, target.url.searchParams, body.view);
  if (!route) throw new ProxyError('endpoint_not_covered');
  trail.model = route.model;
  return { key, adapter, base, body, route, facts: adapter.inspect(route, body.json) };
}

/** The spend to reserve; a spend limit needs a price and a bound. */
async function price(routed: Routed, detail: GrantedAuthorizationDetail, deps: ProxyDeps, now: number) {
  const overrides: readonly PriceOverride[] = (await deps.priceOverrides?.()) ?? [];
  const { usd: estimateUsd, unbounded } = estimateCost({ ...routed, overrides, now });
  if (unbounded !== undefined && hasSpendLimit(detail.limits)) {
    throw new ProxyError('cost_unbounded', `This request cannot be bounded in cost under a spending limit: ${unbounded}`);
  }
  if (estimateUsd === undefined && hasSpendLimit(detail.limits)) {
    throw new ProxyError(
      'price_unknown',
      `No price is known for the model ${routed.route.model ?? '(none named)'}, so the spending limit cannot be enforced; set a price in Settings`,
    );
  }
  return { overrides, estimateUsd };
}

/** The body to send: the bytes as they came, unless the adapter changed the JSON. */
function upstreamBody(routed: Routed): Uint8Array<ArrayBuffer> | undefined {
  const { adapter, route, body } = routed;
  if (!adapter.prepareBody || body.json === undefined) return body.bytes;
  const prepared = adapter.prepareBody(route, body.json);
  return prepared === body.json ? body.bytes : new TextEncoder().encode(JSON.stringify(prepared));
}

function refusalRow(trail: Trail, grant: Grant, origin: string, status: number, deps: ProxyDeps): UsageRow {
  return {
    id: newRowId(deps),
    time: trail.startedAt,
    origin,
    grantId: grant.id,
    provider: trail.providerId ?? '',
    ...(trail.model !== undefined ? { model: trail.model } : {}),
    endpoint: trail.endpoint ?? '',
    status,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    latencyMs: deps.now() - trail.startedAt,
  };
}

/**
 * The proxy: one API call in, the provider's answer (or a refusal in the provider's own error
 * shape) out. Stages: route → authenticate → authorize → admit → forward → meter → settle.
 * Every refusal is thrown as a ProxyError and turned into a Response below, in one place.
 * A call that gets past admission is settled exactly once, whatever happens after.
 * Calls from a known grant leave one usage row each, refusals included (a token used from
 * another origin shows up under that origin).
 */
export async function handle(request: Request, ctx: ProxyContext, deps: ProxyDeps): Promise<Response> {
  const trail: Trail = { startedAt: deps.now(), shape: likelyAdapter() };
  try {
    const auth = await authenticate(request, ctx, deps, trail);
    const { target, grant, detail, revoked } = auth;
    const routed = await routeCall(request, auth, deps, trail);
    authorizeRoute(detail, routed.route, routed.facts, routed.adapter.modelKey);
    const { overrides, estimateUsd } = await price(routed, detail, deps, trail.startedAt);

    const origin = ctx.origin ?? grant.origin;
    const { model } = routed.route;
    const reservation = await admit({
      ledger: deps.limits,
      grantId: grant.id,
      providerId: target.providerId,
      limits: detail.limits,
      estimateUsd,
      label: { origin, endpoint: target.path, ...(model !== undefined ? { model } : {}) },
      revoked,
      now: () => deps.now(),
      startedAt: trail.startedAt,
    });
    trail.admitted = true;
    // Activity against auto-lock: only calls that can cost something (a known-free models
    // list or token count, reserved at 0, cannot keep the vault unlocked).
    if (routed.route.kind === 'call' && estimateUsd !== 0) deps.onAdmitted?.(grant.id);

    const finish = settler(
      {
        startedAt: trail.startedAt,
        origin,
        grantId: grant.id,
        providerId: target.providerId,
        model,
        endpoint: target.path,
        key: routed.key,
        overrides,
        reservation,
        priced: estimateUsd !== undefined,
        reportsUsage: routed.route.reportsUsage === true,
      },
      deps,
    );
    try {
      return await forward(
        {
          request,
          adapter: routed.adapter,
          route: routed.route,
          detail,
          url: routed.base + routed.route.upstreamPath,
          secret: routed.key.secret,
          body: upstreamBody(routed),
          json: routed.body.json !== undefined,
          revoked,
          // forward ends a call without waiting for its settlement (the page has its answer already);
          // settle reports its own failures through deps.onError, so nothing is dropped silently.
          finish: (outcome) => void finish(outcome),
        },
        deps,
      );
    } catch (error) {
      // forward settles on its own paths; this covers a failure nobody foresaw.
      void finish({ status: 500, billable: false });
      throw error;
    }
  } catch (error) {
    const failure = toProxyError(error);
    if (failure.type === 'internal_error') deps.onError?.(error);
    if (trail.grant && !trail.admitted) {
      recordRow(deps, refusalRow(trail, trail.grant, ctx.origin ?? trail.grant.origin, failure.status, deps));
    }
    return errorResponse(trail.shape, failure);
  }
}
