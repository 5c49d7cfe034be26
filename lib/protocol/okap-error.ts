import { z } from 'zod';
import type { Assert, Fits } from './type-check';
import { deniedResponseSchema, type DeniedResponse } from './response';

/**
 * The error `window.okap` rejects with, as plain data so it crosses postMessage and runtime Ports
 * intact. The page wraps it in its own Error subclass; nothing here depends on that class.
 */
export const OKAP_ERROR_CODES = [
  'user_denied',
  'invalid_request',
  'already_pending',
  'throttled',
  'no_key',
  'timeout',
  'vault_locked',
  'internal_error',
] as const;

export type OkapErrorCode = (typeof OKAP_ERROR_CODES)[number];

export interface OkapError {
  code: OkapErrorCode;
  message: string;
  /** For `invalid_request`: the offending field, e.g. `authorization_details[0].limits.monthly_spend`. */
  path?: string;
  /** The spec's denial object, where the failure is a denial (`user_denied`). */
  response?: DeniedResponse;
}

/** What `parseOkapRequest` fails with: always a path (`''` when the request as a whole is wrong). */
export interface OkapRequestError extends OkapError {
  code: 'invalid_request';
  path: string;
}

export function isOkapErrorCode(value: unknown): value is OkapErrorCode {
  return typeof value === 'string' && (OKAP_ERROR_CODES as readonly string[]).includes(value);
}

export function okapError(
  code: OkapErrorCode,
  message: string,
  extra: { path?: string; response?: DeniedResponse } = {},
): OkapError {
  const error: OkapError = { code, message };
  if (extra.path !== undefined) error.path = extra.path;
  if (extra.response !== undefined) error.response = extra.response;
  return error;
}

export const okapErrorSchema = z.object({
  code: z.enum(OKAP_ERROR_CODES),
  message: z.string().max(2000),
  path: z.string().max(2000).optional(),
  response: deniedResponseSchema.optional(),
});

/**
 * Reads an error that arrived from the other side of a bridge. Anything malformed becomes an
 * `internal_error` rather than a crash in the page's promise handling.
 */
export function toOkapError(value: unknown): OkapError {
  try {
    const parsed = okapErrorSchema.safeParse(value);
    if (parsed.success) return okapError(parsed.data.code, parsed.data.message, parsed.data);
  } catch {
    // A hostile value (a throwing getter, a revoked Proxy) is as malformed as any other.
  }
  return okapError('internal_error', 'The OKAP vault sent a malformed error');
}

// The hand-written types are the contract; these stop compiling if a schema drifts from them.
type _OkapErrorMatches = Assert<Fits<z.output<typeof okapErrorSchema>, OkapError>>;
