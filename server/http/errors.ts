import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { formatPath } from '../../lib/protocol';

/** The server's own error body (owner API, app endpoints): `{ error: { code, message, path? } }`. Never carries a secret. */
export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string, path?: string) {
  return c.json({ error: { code, message, ...(path !== undefined ? { path } : {}) } }, status);
}

export function zodError(c: Context, error: ZodError) {
  const issue = error.issues[0];
  const path = issue ? formatPath(issue.path as PropertyKey[]) : '';
  return jsonError(c, 400, 'invalid_request', issue?.message ?? 'invalid input', path);
}

/** A JSON body, or a typed error: malformed JSON says so rather than failing as a 500. */
export async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, response: jsonError(c, 400, 'invalid_json', 'The body is not valid JSON') };
  }
}
