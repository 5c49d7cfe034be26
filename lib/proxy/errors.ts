import type { OkapWireErrorType } from '../protocol';
import { defaultErrorMessage } from '../protocol';
import type { ProviderAdapter } from '../providers/types';

/**
 * Every refusal of the pipeline. Stages throw these; `errorResponse` is the one place they
 * become a Response. The types beyond the OKAP list describe the vault's own plumbing.
 */
export type ProxyErrorType = OkapWireErrorType | 'upstream_unreachable' | 'storage_unavailable' | 'internal_error';

const STATUS: Readonly<Record<ProxyErrorType, number>> = {
  token_invalid: 401,
  token_revoked: 401,
  token_expired: 401,
  origin_mismatch: 401,
  // Not an authentication failure: the token is good, its owner has stopped it for now.
  token_paused: 403,
  provider_not_granted: 403,
  model_not_granted: 403,
  capability_not_granted: 403,
  endpoint_not_covered: 403,
  price_unknown: 403,
  cost_unbounded: 403,
  no_key: 403,
  invalid_request: 400,
  rate_limited: 429,
  budget_exhausted: 429,
  vault_locked: 503,
  upstream_unreachable: 502,
  // The vault could not record the call (quota full, database blocked, disk error): nothing was sent.
  storage_unavailable: 503,
  internal_error: 500,
};

type ExtraType = 'upstream_unreachable' | 'storage_unavailable' | 'internal_error';
const EXTRA_MESSAGES: Readonly<Record<ExtraType, string>> = {
  upstream_unreachable: 'The OKAP vault could not reach the provider',
  storage_unavailable:
    'The OKAP vault could not record this call (its storage is full or unavailable), so it did not send it. Free some disk space or open the wallet to see why.',
  internal_error: 'The OKAP vault failed to handle this request',
};

export class ProxyError extends Error {
  readonly status: number;
  constructor(
    readonly type: ProxyErrorType,
    message?: string,
    /** For rate_limited: seconds until a call can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message ?? (type in EXTRA_MESSAGES ? EXTRA_MESSAGES[type as ExtraType] : defaultErrorMessage(type as OkapWireErrorType)));
    this.name = 'ProxyError';
    this.status = STATUS[type];
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Anything a stage or a dependency threw, as a ProxyError; unexpected errors say nothing about themselves. */
export function toProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  if (hasCode(error, 'vault_locked')) return new ProxyError('vault_locked');
  return new ProxyError('internal_error');
}

/**
 * The refusal in the provider's own error shape and status, so its SDK raises its own typed
 * error (AuthenticationError, PermissionDeniedError, RateLimitError, …) carrying the OKAP type.
 * Rate limits say when to come back; an exhausted budget tells the SDKs not to retry at all
 * (OpenAI's and Anthropic's honour `x-should-retry`), since retrying cannot help before the
 * period ends.
 */
export function errorResponse(adapter: ProviderAdapter, error: ProxyError): Response {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (error.type === 'rate_limited' && error.retryAfterSeconds !== undefined) {
    headers.set('retry-after', String(error.retryAfterSeconds));
  }
  if (error.type === 'budget_exhausted') headers.set('x-should-retry', 'false');
  const body = adapter.errorBody(error.status, error.type, error.message);
  return new Response(JSON.stringify(body), { status: error.status, headers });
}
