import { z } from 'zod';
import {
  clientSchema,
  expiresSchema,
  limitsSchema,
  providerIdSchema,
  reasonSchema,
  stringListSchema,
} from './fields';
import { AI_MODEL_ACCESS, type AuthorizationDetail, type OkapRequest } from './request';
import { OKAP_VERSION } from './versions';

/**
 * The shorthand `window.okap.requestAccess` also takes: one authorization detail's fields at the top
 * level, plus an optional `client`.
 */
export const okapShorthandSchema = z.object({
  // Tolerated so a detail copied out of a full request still reads as a shorthand.
  type: z.literal(AI_MODEL_ACCESS).optional(),
  provider: providerIdSchema,
  models: stringListSchema.optional(),
  capabilities: stringListSchema.optional(),
  limits: limitsSchema.optional(),
  expires: expiresSchema.optional(),
  reason: reasonSchema.optional(),
  client: clientSchema.optional(),
});

export type OkapShorthand = z.output<typeof okapShorthandSchema>;

/** Only a request shaped like this is read as the shorthand; anything naming the full form's keys is not. */
export function looksLikeShorthand(value: object): boolean {
  return !Object.hasOwn(value, 'okap') && !Object.hasOwn(value, 'authorization_details') && Object.hasOwn(value, 'provider');
}

export function normalizeShorthand(shorthand: OkapShorthand): OkapRequest {
  const detail: AuthorizationDetail = { type: AI_MODEL_ACCESS, provider: shorthand.provider };
  if (shorthand.models !== undefined) detail.models = shorthand.models;
  if (shorthand.capabilities !== undefined) detail.capabilities = shorthand.capabilities;
  if (shorthand.limits !== undefined) detail.limits = shorthand.limits;
  if (shorthand.expires !== undefined) detail.expires = shorthand.expires;
  if (shorthand.reason !== undefined) detail.reason = shorthand.reason;
  const request: OkapRequest = { okap: OKAP_VERSION, authorization_details: [detail] };
  if (shorthand.client !== undefined) request.client = shorthand.client;
  return request;
}
