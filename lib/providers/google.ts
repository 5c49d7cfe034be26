/**
 * Google's Gemini API (generativelanguage.googleapis.com).
 *
 * Paths: `@google/genai` builds `${baseUrl}/${apiVersion}/${path}` — e.g.
 * `…/v1/google/v1beta/models/gemini-2.5-flash:generateContent`, and for streams
 * `…:streamGenerateContent?alt=sse`. The virtual path thus starts with the API version, and
 * the upstream path is the same path with the query minus `key=` (the real key goes in
 * `x-goog-api-key`); the key's base URL, like the SDK's, has no version.
 *
 * Usage: `inputTokens` is the prompt including cached content and tool-use prompt tokens;
 * `outputTokens` is candidates + thoughts, because Gemini bills thinking as output while
 * `candidatesTokenCount` leaves it out; `reasoningTokens` repeats the thoughts part.
 */
import type { Capability, ProviderAdapter, Route, StreamUsageReader, Usage } from './types';
import {
  baseUrlOr,
  count,
  eventJson,
  forwardableHeaders,
  isRecord,
  modelSegment,
  positiveInt,
  queryString,
  usageOf,
} from './common';

const VERSIONS = new Set(['v1beta', 'v1']);

/** Model methods the vault forwards, and what a grant must allow for each. */
const METHODS: Readonly<Record<string, Capability>> = {
  generateContent: 'chat',
  streamGenerateContent: 'chat',
  countTokens: 'chat',
  embedContent: 'embeddings',
  batchEmbedContents: 'embeddings',
};

function route(method: string, path: string, search: URLSearchParams, _body: unknown): Route | undefined {
  const verb = method.toUpperCase();
  const match = /^\/([^/]+)\/models(?:\/([^/]+))?$/.exec(path);
  const version = match?.[1];
  if (!match || version === undefined || !VERSIONS.has(version)) return undefined;
  const query = queryString(search, ['key']);
  const segment = match[2];

  if (segment === undefined) {
    if (verb !== 'GET') return undefined;
    return { upstreamPath: `/${version}/models${query}`, capability: 'models', stream: false, kind: 'models-list' };
  }

  // Clients may send the `:` before the method percent-encoded.
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) {
    const model = modelSegment(decoded);
    if (verb !== 'GET' || model === undefined) return undefined;
    return {
      upstreamPath: `/${version}/models/${encodeURIComponent(model)}${query}`,
      capability: 'models',
      model,
      stream: false,
      kind: 'model-retrieve',
    };
  }

  const model = modelSegment(decoded.slice(0, colon));
  const action = decoded.slice(colon + 1);
  const capability = Object.hasOwn(METHODS, action) ? METHODS[action] : undefined;
  if (verb !== 'POST' || model === undefined || capability === undefined) return undefined;
  return {
    upstreamPath: `/${version}/models/${encodeURIComponent(model)}:${action}${query}`,
    capability,
    model,
    // Without `alt=sse` the stream is one JSON array, which usageFromJson reads whole.
    stream: action === 'streamGenerateContent' && search.get('alt') === 'sse',
    kind: 'call',
  };
}

function readToken(headers: Headers, url: URL): string | undefined {
  const header = headers.get('x-goog-api-key')?.trim();
  if (header) return header;
  const query = url.searchParams.get('key')?.trim();
  return query ? query : undefined;
}

function upstreamHeaders(clientHeaders: Headers, key: string): Headers {
  const headers = forwardableHeaders(clientHeaders);
  headers.set('x-goog-api-key', key);
  return headers;
}

/** The REST API accepts proto field names in camelCase and snake_case alike. */
function field(record: Record<string, unknown>, camel: string, snake: string): unknown {
  return record[camel] ?? record[snake];
}

/** `maxOutputTokens` per candidate, times `candidateCount` candidates, all billed. */
function maxOutputTokens(body: unknown): number | undefined {
  if (!isRecord(body)) return undefined;
  const config = field(body, 'generationConfig', 'generation_config');
  if (!isRecord(config)) return undefined;
  const perCandidate = positiveInt(field(config, 'maxOutputTokens', 'max_output_tokens'));
  if (perCandidate === undefined) return undefined;
  return perCandidate * (positiveInt(field(config, 'candidateCount', 'candidate_count')) ?? 1);
}

export function geminiUsage(metadata: unknown): Usage | undefined {
  if (!isRecord(metadata)) return undefined;
  const prompt = count(metadata.promptTokenCount);
  const candidates = count(metadata.candidatesTokenCount);
  if (prompt === undefined && candidates === undefined) return undefined;
  const thoughts = count(metadata.thoughtsTokenCount);
  return usageOf({
    inputTokens: (prompt ?? 0) + (count(metadata.toolUsePromptTokenCount) ?? 0),
    outputTokens: (candidates ?? 0) + (thoughts ?? 0),
    cacheReadTokens: count(metadata.cachedContentTokenCount),
    reasoningTokens: thoughts,
  });
}

/**
 * A generateContent response, or the JSON array a non-SSE streamGenerateContent returns (the
 * last element's usage is the total). embedContent and countTokens report no usage.
 */
function usageFromJson(json: unknown): Usage | undefined {
  if (Array.isArray(json)) {
    for (let i = json.length - 1; i >= 0; i--) {
      const item: unknown = json[i];
      const found = isRecord(item) ? geminiUsage(item.usageMetadata) : undefined;
      if (found) return found;
    }
    return undefined;
  }
  return isRecord(json) ? geminiUsage(json.usageMetadata) : undefined;
}

/** Every chunk may carry `usageMetadata` with running totals; the last one is the total. */
function streamUsage(): StreamUsageReader {
  let last: Usage | undefined;
  return {
    push(event) {
      const json = eventJson(event.data);
      const found = isRecord(json) ? geminiUsage(json.usageMetadata) : undefined;
      if (found) last = found;
    },
    usage: () => last,
  };
}

/** google.rpc.Code names for the statuses the vault answers with. */
function grpcStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 402:
    case 412:
      return 'FAILED_PRECONDITION';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

/**
 * Google's error shape; `@google/genai` raises an ApiError carrying the HTTP status and this
 * body as its message. The OKAP type travels the way Google APIs carry a machine-readable
 * reason: a `google.rpc.ErrorInfo` detail with `reason` (upper snake case, as Google's are),
 * `domain: "okap"` and the type itself in `metadata.okap_error`.
 */
function errorBody(status: number, type: string, message: string): unknown {
  return {
    error: {
      code: status,
      message,
      status: grpcStatus(status),
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: type.toUpperCase(),
          domain: 'okap',
          metadata: { okap_error: type },
        },
      ],
    },
  };
}

/** Entries are named `models/<id>`; `allowed` is asked about the id. `nextPageToken` is kept. */
function filterModels(json: unknown, allowed: (model: string) => boolean): unknown {
  if (!isRecord(json) || !Array.isArray(json.models)) return json;
  return {
    ...json,
    models: json.models.filter(
      (entry) => isRecord(entry) && typeof entry.name === 'string' && allowed(entry.name.replace(/^models\//, '')),
    ),
  };
}

export const google: ProviderAdapter = {
  id: 'google',
  name: 'Google Gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  readToken,
  route,
  upstreamHeaders,
  maxOutputTokens,
  usageFromJson,
  streamUsage,
  errorBody,
  filterModels,
  keyCheckRequest(baseUrl, key) {
    const base = baseUrlOr(baseUrl, google.defaultBaseUrl);
    return new Request(`${base}/v1beta/models`, { method: 'GET', headers: { 'x-goog-api-key': key } });
  },
};
