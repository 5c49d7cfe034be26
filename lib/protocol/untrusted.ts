import type { z } from 'zod';
import { MAX_REQUEST_BYTES } from './limits';
import { formatPath } from './path';
import { snapshot } from './snapshot';

/**
 * Parses anything from outside the background (page messages, proxied bodies, imports) with a zod
 * schema without ever throwing: the input is first copied into plain data (see snapshot.ts), then
 * checked; a failure names the first offending field.
 */

export type UntrustedResult<T> = { ok: true; data: T } | { ok: false; path: string; message: string };

export function parseUntrusted<T>(
  schema: z.ZodType<T>,
  input: unknown,
  options: { maxBytes?: number } = {},
): UntrustedResult<T> {
  try {
    const copied = snapshot(input, options.maxBytes ?? MAX_REQUEST_BYTES);
    if (!copied.ok) return failure(copied.path, copied.message);
    const parsed = schema.safeParse(copied.value);
    return parsed.success ? { ok: true, data: parsed.data } : zodFailure(parsed.error);
  } catch {
    // Not reachable by design (the schema only ever sees plain data); kept so the promise holds.
    return failure([], 'could not be read');
  }
}

/** The first issue of a zod error as a path and a sentence that starts with that path. */
export function zodFailure(error: z.ZodError): { ok: false; path: string; message: string } {
  const issue = error.issues[0];
  if (issue === undefined) return failure([], 'not valid');
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  return failure(issue.path, missing ? `required (expected ${issue.expected})` : issue.message);
}

export function failure(segments: readonly PropertyKey[], message: string): { ok: false; path: string; message: string } {
  const path = formatPath(segments);
  return { ok: false, path, message: path === '' ? message : `${path}: ${message}` };
}
