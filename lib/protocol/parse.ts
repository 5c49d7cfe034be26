import type { OkapRequestError } from './okap-error';
import type { PathSegment } from './path';
import { okapRequestSchema, type OkapRequest } from './request';
import { looksLikeShorthand, normalizeShorthand, okapShorthandSchema } from './shorthand';
import { snapshot } from './snapshot';
import { failure, zodFailure } from './untrusted';
import { isSupportedVersion, unsupportedVersionMessage } from './versions';

export type ParseOkapRequestResult = { ok: true; request: OkapRequest } | { ok: false; error: OkapRequestError };

const NOT_A_REQUEST =
  'expected an OKAP request { okap, authorization_details, client } or the shorthand { provider, models?, capabilities?, limits?, expires?, reason? }';

/**
 * Reads an OKAP request in the full form (spec §3) or the shorthand, from anything a page could send.
 * Never throws: every failure is an `invalid_request` naming the offending field. `now` decides what
 * "future" means for `expires` (an invalid Date makes every expiry fail). The result is made of fresh
 * plain objects with only the known fields; `expires` comes back in `toISOString()` form.
 */
export function parseOkapRequest(input: unknown, now: Date): ParseOkapRequestResult {
  try {
    return parse(input, now);
  } catch {
    // Not reachable by design: the input is copied into plain data before anything inspects it.
    return fail([], 'the request could not be read');
  }
}

function parse(input: unknown, now: Date): ParseOkapRequestResult {
  const copied = snapshot(input);
  if (!copied.ok) return fail(copied.path, copied.message);
  const value = copied.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail([], NOT_A_REQUEST);

  if (looksLikeShorthand(value)) {
    const parsed = okapShorthandSchema.safeParse(value);
    if (!parsed.success) return rejected(zodFailure(parsed.error));
    return checkExpiry(normalizeShorthand(parsed.data), now, () => ['expires']);
  }

  const fields = value as Record<string, unknown>;
  if (!Object.hasOwn(fields, 'okap') && !Object.hasOwn(fields, 'authorization_details')) return fail([], NOT_A_REQUEST);
  // The version first: a request for another major version may mean something else by every other field.
  if (!isSupportedVersion(fields.okap)) return fail(['okap'], unsupportedVersionMessage(fields.okap));
  const parsed = okapRequestSchema.safeParse(value);
  if (!parsed.success) return rejected(zodFailure(parsed.error));
  return checkExpiry(parsed.data, now, (index) => ['authorization_details', index, 'expires']);
}

/** Whether an expiry lies in the future depends on the clock, so it is checked here and not in a schema. */
function checkExpiry(request: OkapRequest, now: Date, pathOf: (index: number) => PathSegment[]): ParseOkapRequestResult {
  const nowMs = now.getTime();
  for (const [index, detail] of request.authorization_details.entries()) {
    if (detail.expires === undefined) continue;
    const expiresMs = Date.parse(detail.expires);
    if (Number.isNaN(expiresMs)) return fail(pathOf(index), 'not a valid date');
    if (!(expiresMs > nowMs)) return fail(pathOf(index), 'must be in the future');
    detail.expires = new Date(expiresMs).toISOString();
  }
  return { ok: true, request };
}

function fail(segments: readonly PropertyKey[], message: string): ParseOkapRequestResult {
  return rejected(failure(segments, message));
}

function rejected({ path, message }: { path: string; message: string }): ParseOkapRequestResult {
  return { ok: false, error: { code: 'invalid_request', message, path } };
}
