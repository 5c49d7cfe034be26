import { z } from 'zod';
import { fromBase64Url } from '../encoding/base64';
import { VAULT_BASE } from './wire';

/**
 * Request bodies a page may send through the vault: above the APIs' own upload limits (25 MB audio),
 * and small enough that base64 still fits in one runtime message (Chrome caps those at 64 MiB).
 */
export const MAX_BODY_BYTES = 40 * 1024 * 1024;

/**
 * Bodies from a page that shows no live grant of its own: enough for any call the proxy refuses with
 * a provider-shaped error, far too little to make the worker decode and hold megabytes for nobody.
 */
export const UNGRANTED_BODY_BYTES = 64 * 1024;

const base64Length = (bytes: number) => Math.ceil((bytes * 4) / 3) + 4;

/**
 * A page's `window.okap.fetch` call as it crosses the bridge, body still encoded: only URLs under the
 * reserved vault host are accepted here, whatever the page script did or did not check.
 */
export const fetchHeadSchema = z.object({
  url: z
    .string()
    .max(8192)
    .refine((url) => URL.canParse(url) && new URL(url).href.startsWith(VAULT_BASE), `only ${VAULT_BASE}<provider>/… is proxied`),
  method: z.string().regex(/^[A-Z]{3,7}$/),
  headers: z.array(z.tuple([z.string().max(256), z.string().max(16_384)])).max(200),
  body: z.string().max(base64Length(MAX_BODY_BYTES)).optional(),
});

export interface FetchCall {
  url: string;
  method: string;
  headers: [string, string][];
  body?: Uint8Array;
}

export interface FetchWireError {
  code: 'invalid_request';
  message: string;
  path?: string;
}

const OKAP_TOKEN = /okap_[A-Za-z0-9_-]{43}/;

/** The OKAP token a call carries, wherever an SDK puts it (auth headers, or Gemini's `?key=`). */
export function tokenOf(url: string, headers: [string, string][]): string | undefined {
  for (const [name, value] of headers) {
    if (/^(authorization|x-api-key|x-goog-api-key)$/i.test(name)) {
      const found = OKAP_TOKEN.exec(value)?.[0];
      if (found) return found;
    }
  }
  const key = new URL(url).searchParams.get('key');
  return key && OKAP_TOKEN.test(key) ? OKAP_TOKEN.exec(key)![0] : undefined;
}

/**
 * Parses a fetch call in order of cost: its head first, then (for a body beyond the small cap) whether
 * its token is a live grant of this very origin, and only then decodes the body. A page without a
 * grant cannot make the worker decode a large body.
 */
export async function parseFetchCall(
  params: unknown,
  liveGrant: (token: string) => Promise<boolean>,
): Promise<{ ok: true; call: FetchCall } | { ok: false; error: FetchWireError }> {
  const parsed = fetchHeadSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: { code: 'invalid_request', message: issue?.message ?? 'bad fetch', path: issue?.path.join('.') } };
  }
  const { body, ...head } = parsed.data;
  if (body !== undefined && body.length > base64Length(UNGRANTED_BODY_BYTES)) {
    const token = tokenOf(head.url, head.headers);
    if (!token || !(await liveGrant(token))) {
      const message = `Bodies over ${UNGRANTED_BODY_BYTES / 1024} KiB are read only from a site with a live grant: this call carries no live OKAP token of this site.`;
      return { ok: false, error: { code: 'invalid_request', message, path: 'body' } };
    }
  }
  if (body === undefined) return { ok: true, call: head };
  try {
    return { ok: true, call: { ...head, body: fromBase64Url(body) } };
  } catch {
    return { ok: false, error: { code: 'invalid_request', message: 'body is not base64url', path: 'body' } };
  }
}

export type { ResponseHead } from './fetch-stream';
