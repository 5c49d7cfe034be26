import { z } from 'zod';
import type { Assert, Fits } from './type-check';
import { expiresDateTimeSchema, httpUrlSchema, limitsSchema, providerIdSchema, reasonSchema, stringListSchema } from './fields';
import { MAX_AUTHORIZATION_DETAILS } from './limits';
import { AI_MODEL_ACCESS, okapVersionSchema, type AuthorizationDetail, type Limits } from './request';
import { OKAP_VERSION } from './versions';

/** The vault's answers to a request (spec §4). */

/** A granted detail: what was actually granted (may be narrower than asked), where to send calls, until when. */
export interface GrantedAuthorizationDetail extends AuthorizationDetail {
  base_url: string;
  expires: string;
}

export interface GrantedResponse {
  okap: string;
  status: 'granted';
  token: string;
  authorization_details: GrantedAuthorizationDetail[];
}

export interface DeniedResponse {
  okap: string;
  status: 'denied';
  reason: string;
}

export type OkapResponse = GrantedResponse | DeniedResponse;

/** Tokens this vault issues: `okap_` and 32 random bytes as base64url. */
export const OKAP_TOKEN_PATTERN = /^okap_[A-Za-z0-9_-]{43}$/;

export function isOkapToken(value: unknown): value is string {
  return typeof value === 'string' && OKAP_TOKEN_PATTERN.test(value);
}

export const DEFAULT_DENIAL_REASON = 'User declined authorization request';

export const grantedAuthorizationDetailSchema = z.object({
  type: z.literal(AI_MODEL_ACCESS),
  provider: providerIdSchema,
  models: stringListSchema.optional(),
  capabilities: stringListSchema.optional(),
  limits: limitsSchema.optional(),
  expires: expiresDateTimeSchema,
  reason: reasonSchema.optional(),
  base_url: httpUrlSchema,
});

export const grantedResponseSchema = z.object({
  okap: okapVersionSchema,
  status: z.literal('granted'),
  // Other vaults may issue other opaque tokens (spec §6.1 only fixes the prefix), so this reads any
  // printable `okap_` token; the builder below holds this vault's own to the stricter format.
  token: z.string().regex(/^okap_[\x21-\x7e]{1,1024}$/),
  authorization_details: z.array(grantedAuthorizationDetailSchema).min(1).max(MAX_AUTHORIZATION_DETAILS),
});

export const deniedResponseSchema = z.object({
  okap: okapVersionSchema,
  status: z.literal('denied'),
  reason: z.string().max(1000),
});

export const okapResponseSchema = z.discriminatedUnion('status', [grantedResponseSchema, deniedResponseSchema]);

/**
 * Builds the granted response from fresh objects holding only the spec's fields, so nothing internal
 * to a grant (ids, key references, counters) can ride along to the page.
 * Throws on a token not in this vault's format: handing out anything else is a bug, and failing
 * loudly keeps, say, a provider key from ever being sent in its place.
 */
export function grantedResponse(token: string, details: readonly GrantedAuthorizationDetail[]): GrantedResponse {
  if (!isOkapToken(token)) throw new TypeError('grantedResponse: not an OKAP token');
  return {
    okap: OKAP_VERSION,
    status: 'granted',
    token,
    authorization_details: details.map(copyGrantedDetail),
  };
}

export function deniedResponse(reason: string = DEFAULT_DENIAL_REASON): DeniedResponse {
  return { okap: OKAP_VERSION, status: 'denied', reason };
}

function copyGrantedDetail(detail: GrantedAuthorizationDetail): GrantedAuthorizationDetail {
  const copy: GrantedAuthorizationDetail = {
    type: AI_MODEL_ACCESS,
    provider: detail.provider,
    base_url: detail.base_url,
    expires: detail.expires,
  };
  if (detail.models !== undefined) copy.models = [...detail.models];
  if (detail.capabilities !== undefined) copy.capabilities = [...detail.capabilities];
  if (detail.limits !== undefined) copy.limits = copyLimits(detail.limits);
  if (detail.reason !== undefined) copy.reason = detail.reason;
  return copy;
}

function copyLimits(limits: Limits): Limits {
  const copy: Limits = {};
  if (limits.monthly_spend !== undefined) copy.monthly_spend = limits.monthly_spend;
  if (limits.daily_spend !== undefined) copy.daily_spend = limits.daily_spend;
  if (limits.requests_per_minute !== undefined) copy.requests_per_minute = limits.requests_per_minute;
  if (limits.requests_per_day !== undefined) copy.requests_per_day = limits.requests_per_day;
  return copy;
}

// The hand-written types are the contract; these stop compiling if a schema drifts from them.
type _GrantedMatches = Assert<Fits<z.output<typeof grantedResponseSchema>, GrantedResponse>>;
type _DeniedMatches = Assert<Fits<z.output<typeof deniedResponseSchema>, DeniedResponse>>;
