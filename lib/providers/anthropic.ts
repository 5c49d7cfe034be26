/**
 * Anthropic's Messages API.
 *
 * Paths: `@anthropic-ai/sdk` builds `baseURL + '/v1/messages'` (its default baseURL,
 * `https://api.anthropic.com`, has no `/v1`). With the app's base URL `…/v1/anthropic` the
 * virtual path therefore arrives as `/v1/messages`. A raw client that treats the base URL
 * like OpenAI's sends `/messages`. Both mean the same endpoint: an optional leading `/v1` is
 * dropped, the rest is matched, and the upstream path is always `/v1` + the rest + the query
 * (so the key's base URL, like the SDK's, has no `/v1`).
 *
 * Usage: Anthropic's `input_tokens` excludes cache reads and cache writes; here
 * `inputTokens` is the whole prompt (input + cache read + cache write), like the other
 * adapters, with the cache parts also given separately so pricing can apply their rates.
 * Extended-thinking tokens are inside `output_tokens` and not reported apart.
 */
import type { ProviderAdapter, Route, StreamUsageReader, Usage } from './types';
import {
  baseUrlOr,
  bearerToken,
  count,
  eventJson,
  forwardableHeaders,
  isRecord,
  modelSegment,
  nonEmptyString,
  positiveInt,
  queryString,
  usageOf,
} from './common';

const DEFAULT_VERSION = '2023-06-01';

function route(method: string, path: string, search: URLSearchParams, body: unknown): Route | undefined {
  const verb = method.toUpperCase();
  const rest = path.startsWith('/v1/') ? path.slice('/v1'.length) : path;
  const query = queryString(search);
  if (verb === 'POST' && (rest === '/messages' || rest === '/messages/count_tokens')) {
    const json = isRecord(body) ? body : undefined;
    return {
      upstreamPath: `/v1${rest}${query}`,
      capability: 'chat',
      model: nonEmptyString(json?.model),
      stream: json?.stream === true,
      kind: 'call',
    };
  }
  if (verb === 'GET') {
    if (rest === '/models') {
      return { upstreamPath: `/v1/models${query}`, capability: 'models', stream: false, kind: 'models-list' };
    }
    const match = /^\/models\/([^/]+)$/.exec(rest);
    const model = match?.[1] === undefined ? undefined : modelSegment(match[1]);
    if (model === undefined) return undefined;
    return {
      upstreamPath: `/v1/models/${encodeURIComponent(model)}${query}`,
      capability: 'models',
      model,
      stream: false,
      kind: 'model-retrieve',
    };
  }
  return undefined;
}

/** `x-api-key` (raw clients, older SDKs, `apiKey`) first, then `Authorization: Bearer` (`authToken`). */
function readToken(headers: Headers): string | undefined {
  const apiKey = headers.get('x-api-key')?.trim();
  return apiKey ? apiKey : bearerToken(headers);
}

function upstreamHeaders(clientHeaders: Headers, key: string): Headers {
  const headers = forwardableHeaders(clientHeaders);
  headers.set('x-api-key', key);
  if (!headers.get('anthropic-version')) headers.set('anthropic-version', DEFAULT_VERSION);
  // In local mode the browser itself adds an extension Origin to the worker's fetch, and
  // Anthropic refuses cross-origin calls without this opt-in. The key never leaves the
  // worker, which is the risk the header's name warns about.
  headers.set('anthropic-dangerous-direct-browser-access', 'true');
  return headers;
}

/** `max_tokens` is required by the API and already includes any thinking budget. */
function maxOutputTokens(body: unknown): number | undefined {
  return isRecord(body) ? positiveInt(body.max_tokens) : undefined;
}

/** Anthropic's usage counters, as one message or the running sum of a stream reports them. */
interface Counters {
  input?: number;
  cacheRead?: number;
  cacheWrite?: number;
  output?: number;
}

/** Overwrites every counter the usage object reports; counters it leaves out stay as they were. */
function mergeCounters(into: Counters, usage: unknown): boolean {
  if (!isRecord(usage)) return false;
  const fields: [keyof Counters, unknown][] = [
    ['input', usage.input_tokens],
    ['cacheRead', usage.cache_read_input_tokens],
    ['cacheWrite', usage.cache_creation_input_tokens],
    ['output', usage.output_tokens],
  ];
  let seen = false;
  for (const [name, value] of fields) {
    const n = count(value);
    if (n !== undefined) {
      into[name] = n;
      seen = true;
    }
  }
  return seen;
}

function toUsage(counters: Counters): Usage | undefined {
  if (counters.input === undefined && counters.output === undefined) return undefined;
  return usageOf({
    inputTokens: (counters.input ?? 0) + (counters.cacheRead ?? 0) + (counters.cacheWrite ?? 0),
    outputTokens: counters.output ?? 0,
    cacheReadTokens: counters.cacheRead,
    cacheWriteTokens: counters.cacheWrite,
  });
}

function usageFromJson(json: unknown): Usage | undefined {
  if (!isRecord(json)) return undefined;
  const counters: Counters = {};
  return mergeCounters(counters, json.usage) ? toUsage(counters) : undefined;
}

/**
 * `message_start` carries the input side (and an early output count); each `message_delta`
 * carries cumulative counts — output always, and on newer APIs the input side too — so the
 * latest value of each counter wins.
 */
function streamUsage(): StreamUsageReader {
  const counters: Counters = {};
  return {
    push(event) {
      const json = eventJson(event.data);
      if (!isRecord(json)) return;
      if (json.type === 'message_start' && isRecord(json.message)) mergeCounters(counters, json.message.usage);
      else if (json.type === 'message_delta') mergeCounters(counters, json.usage);
    },
    usage: () => toUsage(counters),
  };
}

/** Anthropic's error type for a status, as its API would send it. */
function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/**
 * Anthropic's error shape with `error.type` kept as the type Anthropic uses for the status, so
 * clients that branch on it (retry on `overloaded_error`, re-auth on `authentication_error`)
 * behave as with the real API; the SDK itself picks its error class from the status. The
 * OKAP type goes in `error.okap_error`. The SDK puts the whole body in the error's message,
 * so the OKAP type is visible there too.
 */
function errorBody(status: number, type: string, message: string): unknown {
  return { type: 'error', error: { type: anthropicErrorType(status), message, okap_error: type } };
}

/**
 * Pagination cursors (`first_id`, `last_id`, `has_more`) are left as upstream sent them, so
 * that the SDK's next-page request continues from the right place.
 */
function filterModels(json: unknown, allowed: (model: string) => boolean): unknown {
  if (!isRecord(json) || !Array.isArray(json.data)) return json;
  return {
    ...json,
    data: json.data.filter((entry) => isRecord(entry) && typeof entry.id === 'string' && allowed(entry.id)),
  };
}

export const anthropic: ProviderAdapter = {
  id: 'anthropic',
  name: 'Anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  readToken,
  route,
  upstreamHeaders,
  maxOutputTokens,
  usageFromJson,
  streamUsage,
  errorBody,
  filterModels,
  keyCheckRequest(baseUrl, key) {
    const base = baseUrlOr(baseUrl, 'https://api.anthropic.com');
    return new Request(`${base}/v1/models`, {
      method: 'GET',
      headers: {
        'x-api-key': key,
        'anthropic-version': DEFAULT_VERSION,
        'anthropic-dangerous-direct-browser-access': 'true',
      },
    });
  },
};
