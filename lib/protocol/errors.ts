import { z } from 'zod';

/**
 * The error bodies a vault answers API calls with (spec §6): `{ error: { type, message } }`.
 * The spec names `token_revoked` and `token_expired`; the rest are this vault's, so an app (and the
 * proxy's provider-shaped error mapping) can tell every refusal apart without reading the message.
 */
export const OKAP_WIRE_ERROR_TYPES = [
  'token_revoked',
  'token_expired',
  'token_paused',
  'token_invalid',
  'origin_mismatch',
  'provider_not_granted',
  'model_not_granted',
  'capability_not_granted',
  'endpoint_not_covered',
  'rate_limited',
  'budget_exhausted',
  'price_unknown',
  'cost_unbounded',
  'vault_locked',
  'no_key',
  'invalid_request',
] as const;

export type OkapWireErrorType = (typeof OKAP_WIRE_ERROR_TYPES)[number];

export interface OkapErrorBody {
  error: { type: OkapWireErrorType; message: string };
}

export const okapErrorBodySchema = z.object({
  error: z.object({
    type: z.enum(OKAP_WIRE_ERROR_TYPES),
    message: z.string().max(1000),
  }),
});

/** Sentences for people; the first two are the spec's own wording. */
const DEFAULT_MESSAGES: Readonly<Record<OkapWireErrorType, string>> = {
  token_revoked: 'This OKAP token has been revoked',
  token_expired: 'This OKAP token has expired',
  token_paused: 'The owner of this OKAP vault has paused this token; calls resume when they resume it',
  token_invalid: 'This OKAP token is not valid',
  origin_mismatch: 'This OKAP token was granted to another site',
  provider_not_granted: 'This OKAP token does not grant access to this provider',
  model_not_granted: 'This OKAP token does not grant access to this model',
  capability_not_granted: 'This OKAP token does not grant this capability',
  endpoint_not_covered: 'This endpoint is not available through the OKAP vault',
  rate_limited: 'The request limit of this OKAP token has been reached; try again later',
  budget_exhausted: 'The spending limit of this OKAP token has been reached',
  price_unknown: 'The vault cannot price calls to this model, so it cannot enforce the spending limit',
  cost_unbounded: 'The vault cannot bound what this request may cost, so it cannot enforce the spending limit',
  vault_locked: 'The OKAP vault is locked',
  no_key: 'The OKAP vault holds no key for this provider',
  invalid_request: 'The request is not valid',
};

export function defaultErrorMessage(type: OkapWireErrorType): string {
  return DEFAULT_MESSAGES[type];
}

export function okapErrorBody(type: OkapWireErrorType, message: string = DEFAULT_MESSAGES[type]): OkapErrorBody {
  return { error: { type, message } };
}
