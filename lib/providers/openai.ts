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
import type { BodyFacts, Capability, ProviderAdapter, Route, StreamUsageReader, Usage } from './types';
import {
  allowedHeaders,
  baseUrlOr,
  bearerToken,
  count,
  eachObject,
  eventJson,
  isInlineUrl,
  isRecord,
  list,
  modelSegment,
  nonEmptyString,
  plainFacts,
  positiveInt,
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

/** Endpoints that report usage in every successful answer (streams: once asked, see prepareBody). */
const REPORTS_USAGE = new Set(['/chat/completions', '/completions', '/responses', '/embeddings']);

/**
 * No endpoint the vault forwards takes a query parameter, so none is forwarded: the query
 * (with anything an app hid there) never reaches the provider.
 */
function route(method: string, path: string, _search: URLSearchParams, body: unknown): Route | undefined {
  const verb = method.toUpperCase();
  const query = '';
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
      ...(REPORTS_USAGE.has(path) ? { reportsUsage: true } : {}),
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

/**
 * Only the SDK's own headers pass. `openai-organization` and `openai-project` are never taken
 * from the app: they would bill the call to another organisation or project of the key.
 */
function upstreamHeaders(clientHeaders: Headers, key: string): Headers {
  const headers = allowedHeaders(clientHeaders, ['idempotency-key']);
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
 * Tool types that run in the app (the model only names a call) and cost nothing beyond tokens.
 * Every other type is refused unless it maps to a capability below.
 */
const CLIENT_TOOLS = new Set(['function', 'custom', 'local_shell']);

/** Hosted tools and the capability a grant must name for each. */
function hostedTool(type: string): Capability | undefined {
  if (type.startsWith('web_search')) return 'web_search';
  if (type === 'code_interpreter') return 'code_execution';
  if (type === 'mcp') return 'mcp';
  if (type === 'image_generation') return 'images';
  return undefined;
}

/** `service_tier` values billed at the prices the vault knows (flex is cheaper, never dearer). */
const PRICED_TIERS = new Set(['auto', 'default', 'flex']);

/**
 * Content parts whose tokens the body's bytes bound (text, inline images counted apart);
 * everything else the provider fetches or expands: by id or URL, files (a compressed PDF is
 * many pages of tokens), audio.
 */
function readPart(part: Record<string, unknown>, facts: BodyFacts): void {
  const type = part.type;
  if (type === 'image_url') {
    const url = isRecord(part.image_url) ? part.image_url.url : part.image_url;
    if (isInlineUrl(url)) facts.images++;
    else facts.unboundedInput ??= 'an image by URL';
  } else if (type === 'input_image') {
    if (isInlineUrl(part.image_url) && part.file_id === undefined) facts.images++;
    else facts.unboundedInput ??= 'an image by URL or file id';
  } else if (type === 'file' || type === 'input_file') {
    facts.unboundedInput ??= 'a file';
  } else if (type === 'input_audio') {
    facts.unboundedInput ??= 'audio input';
  } else if (type === 'item_reference') {
    facts.unboundedInput ??= 'an item by reference';
  }
  if (part.file_id !== undefined) facts.unboundedInput ??= 'a file id';
}

function readTools(json: Record<string, unknown>, facts: BodyFacts): void {
  for (const tool of list(json.tools)) {
    const type = isRecord(tool) && typeof tool.type === 'string' ? tool.type : '';
    if (CLIENT_TOOLS.has(type)) continue;
    const capability = hostedTool(type);
    if (!capability || !isRecord(tool)) {
      facts.refusal ??= { type: 'capability_not_granted', message: `The tool type ${type || '(none)'} is not forwarded by the OKAP vault` };
      continue;
    }
    facts.capabilities.push(capability);
    facts.hostedTools.push(type);
    // The image tool runs its own model, which the grant must cover too.
    if (type === 'image_generation') facts.models.push(nonEmptyString(tool.model) ?? 'gpt-image-1');
  }
}

/**
 * What a body asks for beyond its endpoint. Output: `n` (and legacy `best_of`) generate that
 * many answers, each up to the limit, and all are billed. Input by reference on /responses:
 * `previous_response_id` and `conversation` pull stored context (bounded by the model's
 * context window); a stored `prompt` can name tools, models and instructions the vault cannot
 * see, so it is refused outright.
 */
function inspect(route: Route, body: unknown): BodyFacts {
  const facts = plainFacts();
  if (!isRecord(body)) return facts;
  facts.answers = Math.max(positiveInt(body.n) ?? 1, positiveInt(body.best_of) ?? 1);
  // Whichever spelling the endpoint honours, the largest one named bounds it.
  const limits = [body.max_completion_tokens, body.max_tokens, body.max_output_tokens].map(positiveInt).filter((n) => n !== undefined);
  if (limits.length > 0) facts.maxOutputPerAnswer = Math.max(...limits);

  // Predicted Outputs: rejected prediction tokens are billed as output, beyond the request's
  // own limit; the prediction is in the body, so its bytes bound them.
  if (body.prediction !== undefined && body.prediction !== null) facts.extraOutputTokens = new TextEncoder().encode(JSON.stringify(body.prediction)).byteLength;
  readTools(body, facts);
  if (body.web_search_options !== undefined) {
    facts.capabilities.push('web_search');
    facts.hostedTools.push('web_search_options');
  }
  const modalities = list(body.modalities);
  if (modalities.includes('audio') || body.audio !== undefined) facts.capabilities.push('audio');
  if (modalities.includes('image')) facts.capabilities.push('images');

  const tier = body.service_tier;
  if (tier !== undefined && tier !== null && !(typeof tier === 'string' && PRICED_TIERS.has(tier))) {
    facts.refusal ??= { type: 'price_unknown', message: `The vault has no price for service_tier ${String(tier)}` };
  }
  if (route.upstreamPath.startsWith('/responses')) {
    if (body.prompt !== undefined && body.prompt !== null) {
      facts.refusal ??= {
        type: 'capability_not_granted',
        message: 'Stored prompts are not forwarded: they can name tools and models the OKAP vault cannot check',
      };
    }
    if (nonEmptyString(body.previous_response_id)) facts.unboundedInput ??= 'previous_response_id';
    if (body.conversation !== undefined && body.conversation !== null) facts.unboundedInput ??= 'conversation';
  }
  for (const root of [body.messages, body.input]) eachObject(root, (part) => readPart(part, facts));
  return facts;
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

/** The Responses API's terminal events; each carries the whole call's usage. */
const TERMINAL_RESPONSE_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Chat/legacy completions: the final chunk `{ choices: [], usage }` (every other chunk has
 * `usage: null`), sent after every choice has finished, is final; usage on a chunk that still
 * carries choices is a running figure. Responses API: only
 * `response.completed`, `response.incomplete` or `response.failed` is final (billed alike);
 * `response.created` and `response.in_progress` carry no totals.
 */
function streamUsage(): StreamUsageReader {
  let last: Usage | undefined;
  let final = false;
  return {
    push(event) {
      const json = eventJson(event.data);
      if (!isRecord(json)) return;
      const chunk = openaiUsage(json.usage);
      if (chunk) {
        last = chunk;
        // OpenAI's usage chunk has no choices left to stream. Some compatible servers (vLLM's
        // `continuous_usage_stats`, which an app can ask for) put running usage on every
        // chunk: those are not totals, so a stream cut after one is not billed from it.
        final = !Array.isArray(json.choices) || json.choices.length === 0;
        return;
      }
      const response = isRecord(json.response) ? openaiUsage(json.response.usage) : undefined;
      if (!response) return;
      last = response;
      final = typeof json.type === 'string' && TERMINAL_RESPONSE_EVENTS.has(json.type);
    },
    usage: () => last,
    final: () => final,
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
    // OpenAI-compatible servers (vLLM, LiteLLM, …) often echo these too.
    privateResponseHeaders: ['openai-organization', 'openai-project'],
    route,
    upstreamHeaders,
    prepareBody,
    inspect,
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
