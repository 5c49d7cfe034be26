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
import type { BodyFacts, Capability, ProviderAdapter, Route, StreamUsageReader, Usage } from './types';
import {
  allowedHeaders,
  allowedQuery,
  baseUrlOr,
  bearerToken,
  count,
  eachObject,
  eventJson,
  isRecord,
  list,
  modelSegment,
  nonEmptyString,
  plainFacts,
  positiveInt,
  usageOf,
} from './common';

const DEFAULT_VERSION = '2023-06-01';

/**
 * Query parameters forwarded: the SDK's `beta=true` marker (`client.beta.messages`) and the
 * models list's paging. Nothing else reaches the API.
 */
const CALL_QUERY = { beta: ['true'] } as const;
const LIST_QUERY = { beta: ['true'], limit: true, after_id: true, before_id: true } as const;

function route(method: string, path: string, search: URLSearchParams, body: unknown): Route | undefined {
  const verb = method.toUpperCase();
  const rest = path.startsWith('/v1/') ? path.slice('/v1'.length) : path;
  if (verb === 'POST' && (rest === '/messages' || rest === '/messages/count_tokens')) {
    const json = isRecord(body) ? body : undefined;
    return {
      upstreamPath: `/v1${rest}${allowedQuery(search, CALL_QUERY)}`,
      capability: 'chat',
      model: nonEmptyString(json?.model),
      stream: json?.stream === true,
      kind: 'call',
      ...(rest === '/messages' ? { reportsUsage: true } : {}),
    };
  }
  const query = allowedQuery(search, LIST_QUERY);
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
function readToken(headers: Headers, _url: URL, _fromQuery?: boolean): string | undefined {
  const apiKey = headers.get('x-api-key')?.trim();
  return apiKey ? apiKey : bearerToken(headers);
}

/**
 * `anthropic-beta` values that change neither the price nor what the call can reach beyond
 * what the body checks already cover. Left out on purpose: `context-1m-*` (a million-token
 * context at a higher price, past the context window the reservation counts on),
 * `fast-mode-*` (dearer), `server-side-fallback-*` (other models), `compact-*` (calls of its
 * own), `files-api-*`, `skills-*` and any beta not reviewed. Hosted-tool betas are listed because
 * the tool itself must still be in the body, where it is checked against the grant.
 */
export const VETTED_BETAS: ReadonlySet<string> = new Set([
  'prompt-caching-2024-07-31',
  'pdfs-2024-09-25',
  'token-counting-2024-11-01',
  'message-batches-2024-09-24',
  'token-efficient-tools-2025-02-19',
  'output-128k-2025-02-19',
  'interleaved-thinking-2025-05-14',
  'fine-grained-tool-streaming-2025-05-14',
  'extended-cache-ttl-2025-04-11',
  'computer-use-2024-10-22',
  'computer-use-2025-01-24',
  'computer-use-2025-11-24',
  'output-300k-2026-03-24',
  'context-management-2025-06-27',
  'code-execution-2025-05-22',
  'web-fetch-2025-09-10',
  'mcp-client-2025-04-04',
  'mcp-client-2025-11-20',
  'structured-outputs-2025-11-13',
]);

function vetBetas(name: string, value: string): string | undefined {
  if (name !== 'anthropic-beta') return value;
  const kept = value
    .split(',')
    .map((beta) => beta.trim())
    .filter((beta) => VETTED_BETAS.has(beta));
  return kept.length > 0 ? kept.join(',') : undefined;
}

function upstreamHeaders(clientHeaders: Headers, key: string): Headers {
  const headers = allowedHeaders(clientHeaders, ['anthropic-version', 'anthropic-beta', 'idempotency-key'], vetBetas);
  headers.set('x-api-key', key);
  if (!headers.get('anthropic-version')) headers.set('anthropic-version', DEFAULT_VERSION);
  // In local mode the browser itself adds an extension Origin to the worker's fetch, and
  // Anthropic refuses cross-origin calls without this opt-in. The key never leaves the
  // worker, which is the risk the header's name warns about.
  headers.set('anthropic-dangerous-direct-browser-access', 'true');
  return headers;
}

/** Server tools run on Anthropic's side, with fees and loops of their own; client tools only name a call. */
function serverTool(type: string): Capability | undefined {
  if (type.startsWith('web_search_') || type.startsWith('web_fetch_')) return 'web_search';
  if (type.startsWith('code_execution_')) return 'code_execution';
  if (type.startsWith('mcp_toolset')) return 'mcp';
  return undefined;
}

/** Client tools: custom ones (no type, or `custom`) and the Anthropic-defined ones the app executes. */
const CLIENT_TOOL = /^(custom|bash_\d+|text_editor_\d+|computer_\d+|memory_\d+)$/;

/** Priority Tier capacity is the key owner's commitment; both values bill standard prices. */
const PRICED_TIERS = new Set(['auto', 'standard_only']);

function readSource(block: Record<string, unknown>, facts: BodyFacts): void {
  const source = isRecord(block.source) ? block.source : undefined;
  if (block.type === 'image' && source?.type === 'base64') facts.images++;
  else if (block.type === 'image') facts.unboundedInput ??= 'an image by URL or file id';
  // A PDF's tokens are not bounded by its (compressed) bytes; text sources are, but are rare.
  else if (block.type === 'document') facts.unboundedInput ??= 'a document';
  else if (block.type === 'container_upload') facts.unboundedInput ??= 'a file upload';
  if (typeof block.file_id === 'string') facts.unboundedInput ??= 'a file id';
}

/**
 * What a Messages body asks for beyond its endpoint. `max_tokens` is required by the API and
 * already includes any thinking budget; there is one answer per call. `mcp_servers` (the MCP
 * connector) and `container` (code execution) are hosted tools too.
 */
function inspect(_route: Route, body: unknown): BodyFacts {
  const facts = plainFacts();
  if (!isRecord(body)) return facts;
  const perAnswer = positiveInt(body.max_tokens);
  if (perAnswer !== undefined) facts.maxOutputPerAnswer = perAnswer;
  for (const tool of list(body.tools)) {
    const type = isRecord(tool) ? (typeof tool.type === 'string' ? tool.type : 'custom') : '';
    if (CLIENT_TOOL.test(type)) continue;
    const capability = serverTool(type);
    if (!capability) {
      facts.refusal ??= { type: 'capability_not_granted', message: `The tool type ${type || '(none)'} is not forwarded by the OKAP vault` };
      continue;
    }
    facts.capabilities.push(capability);
    facts.hostedTools.push(type);
  }
  if (list(body.mcp_servers).length > 0 || (body.mcp_servers !== undefined && !Array.isArray(body.mcp_servers))) {
    facts.capabilities.push('mcp');
    facts.hostedTools.push('mcp_servers');
  }
  if (body.container !== undefined && body.container !== null) {
    facts.capabilities.push('code_execution');
    facts.hostedTools.push('container');
  }
  const tier = body.service_tier;
  if (tier !== undefined && tier !== null && !(typeof tier === 'string' && PRICED_TIERS.has(tier))) {
    facts.refusal ??= { type: 'price_unknown', message: `The vault has no price for service_tier ${String(tier)}` };
  }
  eachObject(body.messages, (block) => readSource(block, facts));
  eachObject(body.system, (block) => readSource(block, facts));
  return facts;
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
 * `message_start` carries the input side and an early output count (often 1: not a total);
 * each `message_delta` carries cumulative counts — output always, and on newer APIs the input
 * side too — so the latest value of each counter wins. The counts are final only once a
 * `message_delta` has come and `message_stop` follows it.
 */
function streamUsage(): StreamUsageReader {
  const counters: Counters = {};
  let delta = false;
  let stopped = false;
  return {
    push(event) {
      const json = eventJson(event.data);
      if (!isRecord(json) || stopped) return;
      if (json.type === 'message_start' && isRecord(json.message)) mergeCounters(counters, json.message.usage);
      else if (json.type === 'message_delta') delta = mergeCounters(counters, json.usage) || delta;
      else if (json.type === 'message_stop') stopped = true;
    },
    usage: () => toUsage(counters),
    final: () => delta && stopped,
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
  privateResponseHeaders: ['anthropic-organization-id'],
  readToken,
  route,
  upstreamHeaders,
  inspect,
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
