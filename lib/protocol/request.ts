import { z } from 'zod';
import type { Assert, Fits } from './type-check';
import {
  clientSchema,
  expiresSchema,
  limitsSchema,
  providerIdSchema,
  reasonSchema,
  stringListSchema,
} from './fields';
import { MAX_AUTHORIZATION_DETAILS } from './limits';
import { isSupportedVersion, unsupportedVersionMessage } from './versions';

/** The OKAP 1.0 request (spec §3). Unknown keys are dropped, never kept. */

export const AI_MODEL_ACCESS = 'ai_model_access';

export interface Limits {
  /** USD per calendar month. */
  monthly_spend?: number;
  /** USD per day. */
  daily_spend?: number;
  requests_per_minute?: number;
  requests_per_day?: number;
}

export interface AuthorizationDetail {
  type: typeof AI_MODEL_ACCESS;
  provider: string;
  /** Absent or empty: every model the key can use (spec §3.3). */
  models?: string[];
  capabilities?: string[];
  limits?: Limits;
  /** ISO 8601; after parsing always the canonical `toISOString()` form, in the future. */
  expires?: string;
  reason?: string;
}

export interface OkapClient {
  name: string;
  url?: string;
  callback?: string;
}

export interface OkapRequest {
  /** The version the app spoke: "1.0" or another 1.x. */
  okap: string;
  authorization_details: AuthorizationDetail[];
  /**
   * Required in the full form. Absent only when the shorthand left it out; the vault then names the
   * app after its origin.
   */
  client?: OkapClient;
}

export const authorizationDetailSchema = z.object({
  type: z.literal(AI_MODEL_ACCESS),
  provider: providerIdSchema,
  models: stringListSchema.optional(),
  capabilities: stringListSchema.optional(),
  limits: limitsSchema.optional(),
  expires: expiresSchema.optional(),
  reason: reasonSchema.optional(),
});

export const okapVersionSchema = z.string().refine(isSupportedVersion, {
  error: (issue) => unsupportedVersionMessage(issue.input),
});

/**
 * The full form. Checks shape only: whether `expires` lies in the future needs a clock, so
 * `parseOkapRequest` checks that.
 */
export const okapRequestSchema = z.object({
  okap: okapVersionSchema,
  authorization_details: z.array(authorizationDetailSchema).min(1).max(MAX_AUTHORIZATION_DETAILS),
  client: clientSchema,
});

// The hand-written types are the contract; these stop compiling if a schema drifts from them.
type _DetailMatches = Assert<Fits<z.output<typeof authorizationDetailSchema>, AuthorizationDetail>>;
type _RequestMatches = Assert<Fits<z.output<typeof okapRequestSchema>, OkapRequest>>;
