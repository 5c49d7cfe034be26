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
import type { BodyFacts, Capability, ProviderAdapter, Route, StreamUsageReader, Usage } from './types';
import {
  allowedHeaders,
  allowedQuery,
  baseUrlOr,
  count,
  decodeSegment,
  eachObject,
  eventJson,
  isRecord,
  list,
  modelId,
  nonEmptyString,
  plainFacts,
  positiveInt,
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

/** Methods that report usage in every successful answer. */
const REPORTS_USAGE = new Set(['generateContent', 'streamGenerateContent']);

/**
 * Query parameters forwarded. Calls: only `alt=sse` (the SDK's streaming switch); Google's
 * other system parameters (`fields`, `$fields`, `callback`, `alt=proto`, `$alt`, `prettyPrint`,
 * `quotaUser`, …) could strip the usage from a paid answer or change its shape, and `key` is
 * the token. The models list keeps its paging.
 */
const CALL_QUERY = { alt: ['sse'] } as const;
const LIST_QUERY = { pageSize: true, pageToken: true } as const;

function route(method: string, path: string, search: URLSearchParams, _body: unknown): Route | undefined {
  const verb = method.toUpperCase();
  const match = /^\/([^/]+)\/models(?:\/([^/]+))?$/.exec(path);
  const version = match?.[1];
  if (!match || version === undefined || !VERSIONS.has(version)) return undefined;
  const segment = match[2];

  if (segment === undefined) {
    if (verb !== 'GET') return undefined;
    return { upstreamPath: `/${version}/models${allowedQuery(search, LIST_QUERY)}`, capability: 'models', stream: false, kind: 'models-list' };
  }

  // Decoded exactly once (clients may send the `:` before the method percent-encoded); the
  // model part is then checked as it stands, so `%252F` stays a refused `%2F`, never a `/`.
  const decoded = decodeSegment(segment);
  if (decoded === undefined) return undefined;
  const colon = decoded.indexOf(':');
  if (colon === -1) {
    const model = modelId(decoded);
    if (verb !== 'GET' || model === undefined) return undefined;
    return {
      upstreamPath: `/${version}/models/${encodeURIComponent(model)}${allowedQuery(search, LIST_QUERY)}`,
      capability: 'models',
      model,
      stream: false,
      kind: 'model-retrieve',
    };
  }

  const model = modelId(decoded.slice(0, colon));
  const action = decoded.slice(colon + 1);
  const capability = Object.hasOwn(METHODS, action) ? METHODS[action] : undefined;
  if (verb !== 'POST' || model === undefined || capability === undefined) return undefined;
  const query = allowedQuery(search, CALL_QUERY);
  return {
    upstreamPath: `/${version}/models/${encodeURIComponent(model)}:${action}${query}`,
    capability,
    model,
    // Without `alt=sse` the stream is one JSON array, which usageFromJson reads whole.
    stream: action === 'streamGenerateContent' && query === '?alt=sse',
    kind: 'call',
    ...(REPORTS_USAGE.has(action) ? { reportsUsage: true } : {}),
  };
}

/** `x-goog-api-key`, or (only when the caller allows it) `?key=`, as Google's own clients may send it. */
function readToken(headers: Headers, url: URL, fromQuery = false): string | undefined {
  const header = headers.get('x-goog-api-key')?.trim();
  if (header) return header;
  if (!fromQuery) return undefined;
  const query = url.searchParams.get('key')?.trim();
  return query ? query : undefined;
}

/**
 * Only the SDK's own headers pass (`x-goog-api-client` is its telemetry). Dropped among others:
 * `x-goog-fieldmask` (could strip the usage from a paid answer), `x-http-method-override`,
 * `x-goog-user-project` (bills another project) and `x-server-timeout`.
 */
function upstreamHeaders(clientHeaders: Headers, key: string): Headers {
  const headers = allowedHeaders(clientHeaders, ['x-goog-api-client']);
  headers.set('x-goog-api-key', key);
  return headers;
}

/** The REST API accepts proto field names in camelCase and snake_case alike. */
function field(record: Record<string, unknown>, camel: string, snake: string): unknown {
  return record[camel] ?? record[snake];
}

/** Tool fields and the capability each needs; `functionDeclarations` are the app's own tools. */
function toolCapability(name: string): Capability | 'client' | undefined {
  switch (name) {
    case 'functionDeclarations':
    case 'function_declarations':
      return 'client';
    case 'googleSearch':
    case 'google_search':
    case 'googleSearchRetrieval':
    case 'google_search_retrieval':
    case 'urlContext':
    case 'url_context':
    case 'googleMaps':
    case 'google_maps':
      return 'web_search';
    case 'codeExecution':
    case 'code_execution':
      return 'code_execution';
    default:
      return undefined;
  }
}

function readPart(part: Record<string, unknown>, facts: BodyFacts): void {
  if (field(part, 'fileData', 'file_data') !== undefined) facts.unboundedInput ??= 'fileData';
  const inline = field(part, 'inlineData', 'inline_data');
  if (isRecord(inline)) {
    const mime = String(field(inline, 'mimeType', 'mime_type') ?? '').toLowerCase();
    // Nothing inline is bounded by its bytes here: video, audio and PDFs compress far below
    // their token counts, and Gemini counts an image at 258 tokens per 768-px tile with no
    // documented cap, so a small PNG of huge dimensions costs many tiles. All read up to the
    // context window.
    facts.unboundedInput ??= `inline ${mime || 'media'}`;
  }
}

function readTools(body: Record<string, unknown>, facts: BodyFacts): void {
  for (const tool of list(body.tools)) {
    if (!isRecord(tool)) continue;
    for (const name of Object.keys(tool)) {
      const capability = toolCapability(name);
      if (capability === 'client') continue;
      if (!capability) {
        facts.refusal ??= { type: 'capability_not_granted', message: `The tool ${name} is not forwarded by the OKAP vault` };
        continue;
      }
      facts.capabilities.push(capability);
      facts.hostedTools.push(name);
    }
  }
}

/**
 * What a body asks for beyond its endpoint: `maxOutputTokens` per candidate (thinking
 * included), times `candidateCount` candidates, all billed; output modalities; hosted tools;
 * media. `cachedContent` is refused outright: a cache can carry tools and instructions the
 * vault cannot see, and its size is known only to Google. Batch embeddings name a model per
 * request, and each must be granted.
 */
function inspect(_route: Route, body: unknown): BodyFacts {
  const facts = plainFacts();
  if (!isRecord(body)) return facts;
  // The API takes either spelling; a body with both could have the vault check one and
  // Google use the other.
  for (const [camel, snake] of [['generationConfig', 'generation_config'], ['systemInstruction', 'system_instruction']]) {
    if (camel && snake && body[camel] !== undefined && body[snake] !== undefined) {
      facts.refusal = { type: 'invalid_request', message: `The request names both ${camel} and ${snake}` };
    }
  }
  const config = field(body, 'generationConfig', 'generation_config');
  if (isRecord(config)) {
    // Both spellings may come at once; whichever the API reads, the larger bounds it.
    const largest = (camel: string, snake: string): number | undefined => {
      const named = [config[camel], config[snake]].map(positiveInt).filter((n) => n !== undefined);
      return named.length > 0 ? Math.max(...named) : undefined;
    };
    facts.answers = largest('candidateCount', 'candidate_count') ?? 1;
    const perCandidate = largest('maxOutputTokens', 'max_output_tokens');
    if (perCandidate !== undefined) facts.maxOutputPerAnswer = perCandidate;
    const modalities = list(field(config, 'responseModalities', 'response_modalities')).map((m) => String(m).toUpperCase());
    if (modalities.includes('IMAGE')) facts.capabilities.push('images');
    if (modalities.includes('AUDIO') || field(config, 'speechConfig', 'speech_config') !== undefined) facts.capabilities.push('audio');
  }
  readTools(body, facts);
  if (field(body, 'cachedContent', 'cached_content') !== undefined) {
    facts.refusal ??= {
      type: 'capability_not_granted',
      message: 'cachedContent is not forwarded: a cache can carry tools and instructions the OKAP vault cannot check',
    };
  }
  for (const request of list(body.requests)) {
    const nested = isRecord(request) ? nonEmptyString(request.model) : undefined;
    if (nested !== undefined) facts.models.push(nested.replace(/^models\//, ''));
  }
  eachObject(body.contents, (part) => readPart(part, facts));
  eachObject(field(body, 'systemInstruction', 'system_instruction'), (part) => readPart(part, facts));
  eachObject(body.requests, (part) => readPart(part, facts));
  eachObject(body.content, (part) => readPart(part, facts));
  return facts;
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

/**
 * Every chunk may carry `usageMetadata` with running totals (no output count until the end);
 * the last one wins. It is final only in a chunk where every candidate seen so far has a
 * `finishReason` (or the prompt was blocked): a stream cut before that is not billed from it.
 */
function streamUsage(): StreamUsageReader {
  let last: Usage | undefined;
  let final = false;
  const started = new Set<number>();
  const finished = new Set<number>();
  return {
    push(event) {
      const json = eventJson(event.data);
      if (!isRecord(json)) return;
      for (const candidate of list(json.candidates)) {
        if (!isRecord(candidate)) continue;
        const index = count(candidate.index) ?? 0;
        started.add(index);
        if (typeof candidate.finishReason === 'string' && candidate.finishReason !== '') finished.add(index);
      }
      const found = geminiUsage(json.usageMetadata);
      if (!found) return;
      last = found;
      const blocked = isRecord(json.promptFeedback) && json.promptFeedback.blockReason !== undefined;
      final = blocked || (started.size > 0 && finished.size >= started.size);
    },
    usage: () => last,
    final: () => final,
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
  tokenInQuery: true,
  modelKey: (model) => model.replace(/^models\//, ''),
  invalidKey: (status, body) => status === 400 && /API_KEY_INVALID/.test(body),
  route,
  upstreamHeaders,
  inspect,
  usageFromJson,
  streamUsage,
  errorBody,
  filterModels,
  keyCheckRequest(baseUrl, key) {
    const base = baseUrlOr(baseUrl, google.defaultBaseUrl);
    return new Request(`${base}/v1beta/models`, { method: 'GET', headers: { 'x-goog-api-key': key } });
  },
};
