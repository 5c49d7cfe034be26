/**
 * A provider adapter: a small object of pure functions that knows one provider's wire format.
 * The proxy core and the vault never name a provider; they ask the registry for an adapter.
 */

/** OKAP capabilities (spec §3.6) plus the two housekeeping ones every grant implies or names. */
export type Capability = 'chat' | 'embeddings' | 'images' | 'audio' | 'moderation' | 'models' | 'code' | 'vision';

/** Token counts of one call, as the provider reported them. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of or beside inputTokens, see adapter). */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Output tokens spent on reasoning (already counted in outputTokens). */
  reasoningTokens?: number;
}

/** What one proxied request is, decided from its method, virtual path and body. */
export interface Route {
  /** Path and query to append to the key's base URL, e.g. `/chat/completions`. */
  upstreamPath: string;
  capability: Capability;
  /** The model the call uses, when the endpoint names one. */
  model?: string;
  stream: boolean;
  /** A models list is answered filtered to the grant's models. */
  kind: 'call' | 'models-list' | 'model-retrieve';
}

/** One parsed server-sent event. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** Accumulates usage over the events of one stream; the last known value wins. */
export interface StreamUsageReader {
  push(event: SseEvent): void;
  usage(): Usage | undefined;
}

export interface ProviderAdapter {
  /** OKAP provider identifier (spec §3.5): `openai`, `anthropic`, `google`, or an OpenAI-compatible id. */
  id: string;
  name: string;
  /** Base URL of the real API, the one the key's "Base URL" overrides. No trailing slash. */
  defaultBaseUrl: string;
  /** The token or key a client sent, from every header (or query parameter) this provider's SDKs use. */
  readToken(headers: Headers, url: URL): string | undefined;
  /**
   * Which endpoint a request is. `path` is the part after `/v1/<provider>` (e.g. `/chat/completions`),
   * `body` the parsed JSON body when there is one. `undefined` means the endpoint is not covered.
   */
  route(method: string, path: string, search: URLSearchParams, body: unknown): Route | undefined;
  /** Upstream headers: the client's headers with every auth header removed and the real key set. */
  upstreamHeaders(clientHeaders: Headers, key: string): Headers;
  /** The JSON body to send upstream (e.g. ask OpenAI streams for usage). Pure: returns a new object. */
  prepareBody?(route: Route, body: unknown): unknown;
  /** Upper bound of output tokens the request allows, from `max_tokens` and its kin. */
  maxOutputTokens(body: unknown): number | undefined;
  usageFromJson(json: unknown): Usage | undefined;
  streamUsage(): StreamUsageReader;
  /** A JSON error body in this provider's own shape, so its SDK raises its own typed error. */
  errorBody(status: number, type: string, message: string): unknown;
  /** The models-list body with every model `allowed` rejects removed. */
  filterModels(json: unknown, allowed: (model: string) => boolean): unknown;
  /** A cheap authenticated request (the models list) that tells whether a key works. */
  keyCheckRequest(baseUrl: string, key: string): Request;
}
