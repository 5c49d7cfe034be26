import type { HostedToolCapabilityName } from '../protocol/capabilities';

/**
 * A provider adapter: a small object of pure functions that knows one provider's wire format.
 * The proxy core and the vault never name a provider; they ask the registry for an adapter.
 */

/** OKAP capabilities (spec §3.6) plus the two housekeeping ones every grant implies or names. */
export type StandardCapability = 'chat' | 'embeddings' | 'images' | 'audio' | 'moderation' | 'models' | 'code' | 'vision';

/**
 * Hosted tools the provider runs on the key owner's account: they reach the web or run code or
 * call servers of the app's choosing, and bill fees the token counts do not show. A grant
 * allows one only when it names it; an empty capability list (all of the spec's standard
 * ones) does not. The names live in lib/protocol, where the approval window reads them.
 */
export { HOSTED_TOOL_CAPABILITIES } from '../protocol/capabilities';
export type HostedToolCapability = HostedToolCapabilityName;

export type Capability = StandardCapability | HostedToolCapability;

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
  /**
   * The endpoint reports usage in every successful answer (chat, responses, messages,
   * generateContent, embeddings): a 2xx without it is an anomaly, billed at its reservation.
   */
  reportsUsage?: boolean;
}

/** A refusal a body check asks for; the proxy turns it into its error Response. */
export interface BodyRefusal {
  type: 'capability_not_granted' | 'cost_unbounded' | 'price_unknown' | 'invalid_request';
  message: string;
}

/**
 * What a request body asks for beyond its endpoint and top-level model, read by the adapter
 * that knows the wire format. Everything here is checked against the grant, or priced.
 */
export interface BodyFacts {
  /** Capabilities the body uses besides the route's: hosted tools, output modalities. */
  capabilities: Capability[];
  /** Further model names in the body (a tool's image model, a batch's per-request models). */
  models: string[];
  /** Answers generated and billed per call (`n`, `best_of`, `candidateCount`); at least 1. */
  answers: number;
  /** Output tokens per answer the request allows (`max_tokens` and kin), when it names a limit. */
  maxOutputPerAnswer?: number;
  /** Output tokens billed beyond the answers' own limits (OpenAI's rejected predicted outputs). */
  extraOutputTokens?: number;
  /** Inline images: each costs a bounded number of tokens, whatever its size in bytes. */
  images: number;
  /**
   * Why the input cannot be bounded from the request's own bytes (context pulled by reference,
   * media whose token count its bytes do not bound); undefined when they bound it.
   */
  unboundedInput?: string;
  /** Hosted tools: their fees and internal loops have no bound a reservation could hold. */
  hostedTools: string[];
  /** Refused whatever the grant says (stored prompts, unpriced service tiers, unknown tools). */
  refusal?: BodyRefusal;
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
  /**
   * Whether the usage held is the call's total: it came with (or before) the provider's
   * terminal event. Early figures (Anthropic's `message_start`, Gemini's running chunks) are
   * not totals, and a call whose stream ends without its terminal event is never billed
   * from them alone.
   */
  final(): boolean;
}

export interface ProviderAdapter {
  /** OKAP provider identifier (spec §3.5): `openai`, `anthropic`, `google`, or an OpenAI-compatible id. */
  id: string;
  name: string;
  /** Base URL of the real API, the one the key's "Base URL" overrides. No trailing slash. */
  defaultBaseUrl: string;
  /**
   * The token or key a client sent, from every header this provider's SDKs use; with
   * `fromQuery`, from the query too (only Google's clients put it there: `?key=`).
   */
  readToken(headers: Headers, url: URL, fromQuery?: boolean): string | undefined;
  /** Whether this wire format carries the token in the query (`?key=`); never forwarded. */
  tokenInQuery?: boolean;
  /** Response headers that name the key owner's account (organization, project): never passed on to the app. */
  privateResponseHeaders?: readonly string[];
  /** A model id as grants compare it, where one model has two spellings (Gemini's `models/<id>`). Default: as is. */
  modelKey?(model: string): string;
  /** Whether a refused key check means "invalid key" beyond 401 and 403 (Gemini answers 400 API_KEY_INVALID). */
  invalidKey?(status: number, body: string): boolean;
  /**
   * Which endpoint a request is. `path` is the part after `/v1/<provider>` (e.g. `/chat/completions`),
   * `body` the parsed JSON body when there is one. `undefined` means the endpoint is not covered.
   */
  route(method: string, path: string, search: URLSearchParams, body: unknown): Route | undefined;
  /**
   * Upstream headers: only the client headers this adapter allows (content type, the SDK's
   * own telemetry, vetted API versions and betas), then the real key. Everything else,
   * credentials, billing-account headers and system parameters included, is dropped.
   */
  upstreamHeaders(clientHeaders: Headers, key: string): Headers;
  /** What the body asks for beyond the route, for the grant and the reservation to check. */
  inspect(route: Route, body: unknown): BodyFacts;
  /** The JSON body to send upstream (e.g. ask OpenAI streams for usage). Pure: returns a new object. */
  prepareBody?(route: Route, body: unknown): unknown;
  usageFromJson(json: unknown): Usage | undefined;
  streamUsage(): StreamUsageReader;
  /** A JSON error body in this provider's own shape, so its SDK raises its own typed error. */
  errorBody(status: number, type: string, message: string): unknown;
  /** The models-list body with every model `allowed` rejects removed. */
  filterModels(json: unknown, allowed: (model: string) => boolean): unknown;
  /** A cheap authenticated request (the models list) that tells whether a key works. */
  keyCheckRequest(baseUrl: string, key: string): Request;
}
