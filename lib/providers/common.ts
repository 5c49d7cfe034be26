import type { Usage } from './types';

/**
 * Small helpers the provider adapters share. Everything here works on untrusted input:
 * bodies, events and headers come from a web page or from an upstream we do not control.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A token count: a finite, non-negative number, else undefined (providers send null for "n/a"). */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A positive integer such as `max_tokens` or `n`; anything else is ignored rather than trusted. */
export function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The JSON in an SSE event's data, or undefined for `[DONE]`, keep-alives and broken lines. */
export function eventJson(data: string): unknown {
  if (data === '' || data === '[DONE]') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

/** `Bearer <token>` → token; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(headers: Headers): string | undefined {
  const value = headers.get('authorization');
  if (!value) return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

/** Headers that carry a credential in any provider's SDK; none of them may reach an upstream. */
const AUTH_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'api-key'];

/**
 * Headers that describe the client's connection or identity rather than the API call.
 * Hop-by-hop ones (RFC 9110 §7.6.1) must not be forwarded; host and content-length are the
 * runtime's to set for the new request; cookie, origin and referer would tell the provider
 * which site the user was on; accept-encoding is left to the runtime's fetch so that the
 * meter always reads a body it can decode.
 */
const CONNECTION_HEADERS = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'cookie',
  'origin',
  'referer',
  'accept-encoding',
];

/** The client's headers minus every credential and connection header; a new object. */
export function forwardableHeaders(clientHeaders: Headers): Headers {
  const out = new Headers(clientHeaders);
  // Headers listed in Connection are hop-by-hop too, whatever their name.
  const listed = (clientHeaders.get('connection') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  for (const name of [...AUTH_HEADERS, ...CONNECTION_HEADERS, ...listed]) {
    try {
      out.delete(name);
    } catch {
      // A Connection header can list a token that is not a valid header name; nothing to delete.
    }
  }
  for (const name of [...out.keys()]) {
    // Fetch metadata and client hints describe the page's browser context, not the call.
    if (name.startsWith('sec-') || name.startsWith('proxy-')) out.delete(name);
  }
  return out;
}

/** `?a=1&b=2` or '' — the query to append to an upstream path, minus the names in `drop`. */
export function queryString(search: URLSearchParams, drop: readonly string[] = []): string {
  const copy = new URLSearchParams(search);
  for (const name of drop) copy.delete(name);
  const text = copy.toString();
  return text ? `?${text}` : '';
}

/** The key's base URL or the adapter's default, without a trailing slash. */
export function baseUrlOr(baseUrl: string, fallback: string): string {
  const chosen = baseUrl.trim() === '' ? fallback : baseUrl.trim();
  return chosen.replace(/\/+$/, '');
}

/**
 * One path segment naming a model, percent-decoded once. Model ids use letters, digits and
 * `. _ - : @ +` (fine-tuned OpenAI ids contain colons); anything else, and in particular
 * `/`, `%` or `..` hidden behind an encoding, is refused so that the upstream path can never
 * reach a different endpoint than the one that was authorised.
 */
export function modelSegment(raw: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return /^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/.test(decoded) && !decoded.includes('..') ? decoded : undefined;
}

/** A Usage without the optional fields that are undefined, so results compare cleanly. */
export function usageOf(usage: {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number | undefined;
  cacheWriteTokens?: number | undefined;
  reasoningTokens?: number | undefined;
}): Usage {
  const out: Usage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
  if (usage.cacheReadTokens !== undefined) out.cacheReadTokens = usage.cacheReadTokens;
  if (usage.cacheWriteTokens !== undefined) out.cacheWriteTokens = usage.cacheWriteTokens;
  if (usage.reasoningTokens !== undefined) out.reasoningTokens = usage.reasoningTokens;
  return out;
}
