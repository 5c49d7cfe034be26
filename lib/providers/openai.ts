/**
 * OpenAI's wire format, used by `openai` and by any OpenAI-compatible endpoint.
 *
 * Paths: the official `openai` SDK appends `/chat/completions` etc. to its baseURL, and the
 * OpenAI base URL already ends in `/v1`. So the app's base URL `…/v1/openai` yields virtual
 * paths like `/chat/completions`, and the upstream URL is the key's base URL + the same path
 * + the query string.
 *
 * Usage: `inputTokens` is the whole prompt, cached tokens included (OpenAI reports them
 * that way); `reasoningTokens` are part of `outputTokens`.
 */
import type { Capability, ProviderAdapter, Route, StreamUsageReader, Usage } from './types';
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

/** POST endpoints the vault forwards, and what a grant must allow for each. */
const POST_ENDPOINTS: Readonly<Record<string, Capability>> = {
  '/chat/completions': 'chat',
  '/responses': 'chat',
  '/completions': 'chat',
  '/embeddings': 'embeddings',
  '/images/generations': 'images',
  '/images/edits': 'images',
  '/images/variations': 'images',
  '/audio/speech': 'audio',
  '/audio/transcriptions': 'audio',
  '/audio/translations': 'audio',
  '/moderations': 'moderation',
};

/** Endpoints whose streams carry usage only when asked with `stream_options.include_usage`. */
const INCLUDE_USAGE_PATHS = new Set(['/chat/completions', '/completions']);

function route(method: string, path: string, search: URLSearchParams, body: unknown): Route | undefined {
  const verb = method.toUpperCase();
  const query = queryString(search);
  if (verb === 'POST') {
    const capability = Object.hasOwn(POST_ENDPOINTS, path) ? POST_ENDPOINTS[path] : undefined;
    if (!capability) return undefined;
    // Multipart uploads (transcriptions, image edits) arrive without a parsed body.
    const json = isRecord(body) ? body : undefined;
    return {
      upstreamPath: path + query,
      capability,
      model: nonEmptyString(json?.model),
      stream: json?.stream === true,
      kind: 'call',
    };
  }
  if (verb === 'GET') {
    if (path === '/models') {
      return { upstreamPath: path + query, capability: 'models', stream: false, kind: 'models-list' };
    }
    const match = /^\/models\/([^/]+)$/.exec(path);
    const model = match?.[1] === undefined ? undefined : modelSegment(match[1]);
    if (model === undefined) return undefined;
    return {
      upstreamPath: `/models/${encodeURIComponent(model)}${query}`,
      capability: 'models',
      model,
      stream: false,
      kind: 'model-retrieve',
    };
  }
  return undefined;
}

function readToken(headers: Headers): string | undefined {
  return bearerToken(headers);
}

function upstreamHeaders(clientHeaders: Headers, key: string): Headers {
  const headers = forwardableHeaders(clientHeaders);
  headers.set('authorization', `Bearer ${key}`);
  return headers;
}

/**
 * Streams of chat and legacy completions report usage only in a final chunk that the client
 * must ask for. The vault must meter every call, so it always asks, even over an explicit
 * `include_usage: false`: the extra chunk has empty `choices`, which the SDKs expect.
 */
function prepareBody(route: Route, body: unknown): unknown {
  if (!isRecord(body) || body.stream !== true) return body;
  const path = route.upstreamPath.split('?')[0] ?? '';
  if (!INCLUDE_USAGE_PATHS.has(path)) return body;
  const options = isRecord(body.stream_options) ? body.stream_options : {};
  if (options.include_usage === true) return body;
  return { ...body, stream_options: { ...options, include_usage: true } };
}

/**
 * The most output the request can produce. `n` (and legacy `best_of`) generate that many
 * answers, each up to the limit, and all of them are billed.
 */
function maxOutputTokens(body: unknown): number | undefined {
  if (!isRecord(body)) return undefined;
  const perAnswer =
    positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens) ?? positiveInt(body.max_output_tokens);
  if (perAnswer === undefined) return undefined;
  const answers = Math.max(positiveInt(body.n) ?? 1, positiveInt(body.best_of) ?? 1);
  return perAnswer * answers;
}

/**
 * Usage in either of OpenAI's shapes: Chat Completions / embeddings (`prompt_tokens`,
 * `completion_tokens`) or Responses / images / audio (`input_tokens`, `output_tokens`).
 */
export function openaiUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const promptTokens = count(usage.prompt_tokens);
  if (promptTokens !== undefined) {
    const promptDetails = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
    const completionDetails = isRecord(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
    return usageOf({
      inputTokens: promptTokens,
      // Embeddings report no completion tokens at all.
      outputTokens: count(usage.completion_tokens) ?? 0,
      cacheReadTokens: count(promptDetails.cached_tokens),
      reasoningTokens: count(completionDetails.reasoning_tokens),
    });
  }
  const inputTokens = count(usage.input_tokens);
  if (inputTokens !== undefined) {
    const inputDetails = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
    const outputDetails = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
    return usageOf({
      inputTokens,
      outputTokens: count(usage.output_tokens) ?? 0,
      cacheReadTokens: count(inputDetails.cached_tokens),
      reasoningTokens: count(outputDetails.reasoning_tokens),
    });
  }
  return undefined;
}

function usageFromJson(json: unknown): Usage | undefined {
  if (!isRecord(json)) return undefined;
  return openaiUsage(json.usage);
}

/**
 * Chat/legacy completions: the final chunk `{ choices: [], usage }` (every other chunk has
 * `usage: null`). Responses API: `response.completed` — or `response.incomplete` /
 * `response.failed`, which are billed too — with `response.usage`.
 */
function streamUsage(): StreamUsageReader {
  let last: Usage | undefined;
  return {
    push(event) {
      const json = eventJson(event.data);
      if (!isRecord(json)) return;
      const found = openaiUsage(json.usage) ?? (isRecord(json.response) ? openaiUsage(json.response.usage) : undefined);
      if (found) last = found;
    },
    usage: () => last,
  };
}

/**
 * OpenAI's own error shape. The SDK picks its error class from the HTTP status
 * (401 → AuthenticationError, 429 → RateLimitError, …); the OKAP error type goes in both
 * `type` and `code`, which the SDK exposes as `error.type` / `error.code`, as the OKAP spec's
 * own examples (`{ error: { type: "token_revoked" } }`) do.
 */
function errorBody(_status: number, type: string, message: string): unknown {
  return { error: { message, type, code: type, param: null } };
}

function filterModels(json: unknown, allowed: (model: string) => boolean): unknown {
  if (!isRecord(json) || !Array.isArray(json.data)) return json;
  return {
    ...json,
    data: json.data.filter((entry) => isRecord(entry) && typeof entry.id === 'string' && allowed(entry.id)),
  };
}

function makeAdapter(id: string, name: string, defaultBaseUrl: string): ProviderAdapter {
  return {
    id,
    name,
    defaultBaseUrl,
    readToken,
    route,
    upstreamHeaders,
    prepareBody,
    maxOutputTokens,
    usageFromJson,
    streamUsage,
    errorBody,
    filterModels,
    keyCheckRequest(baseUrl, key) {
      const base = baseUrlOr(baseUrl, defaultBaseUrl);
      if (base === '') throw new TypeError(`${name} needs a base URL`);
      return new Request(`${base}/models`, { method: 'GET', headers: { authorization: `Bearer ${key}` } });
    },
  };
}

export const openai: ProviderAdapter = makeAdapter('openai', 'OpenAI', 'https://api.openai.com/v1');

/**
 * Any server that speaks OpenAI's API (Groq, Together, Mistral, OpenRouter, vLLM, Ollama, …).
 * There is no default base URL: the user gives one, ending where OpenAI's ends (`…/v1`).
 */
export const openaiCompatible: ProviderAdapter = makeAdapter('openai-compatible', 'OpenAI-compatible', '');
