import type { BodyFacts, Usage } from './types';

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

/**
 * Request headers every adapter lets through: the body's type and the answer's, and the
 * official SDKs' own telemetry and retry bookkeeping (`x-stainless-*`: language, version,
 * retry count, timeout), which describe the client library, never the account or the call's
 * price. Everything not allowed is dropped: credentials, hop-by-hop and connection headers,
 * cookies and origin, billing-account headers such as `openai-organization`, `openai-project`
 * or `x-goog-user-project`, response shaping such as `x-goog-fieldmask`, and method
 * overrides such as `x-http-method-override`.
 */
const COMMON_ALLOWED = ['content-type', 'accept', 'user-agent'];

/**
 * The client's headers that `allowed` names (plus the common ones and `x-stainless-*`), as a
 * new object; `vet` may rewrite or drop (return undefined) an allowed header's value.
 */
export function allowedHeaders(
  clientHeaders: Headers,
  allowed: readonly string[],
  vet: (name: string, value: string) => string | undefined = (_name, value) => value,
): Headers {
  const names = new Set([...COMMON_ALLOWED, ...allowed]);
  const out = new Headers();
  for (const [name, value] of clientHeaders) {
    if (!names.has(name) && !name.startsWith('x-stainless-')) continue;
    const kept = vet(name, value);
    if (kept !== undefined && kept !== '') out.set(name, kept);
  }
  return out;
}

/**
 * `?a=1&b=2` or '' — only the parameters `allowed` accepts (a name, or a name and the values
 * it may take), in the order they came. Everything else, system parameters such as Google's
 * `fields`, `callback`, `$alt`, `prettyPrint` or `key` included, is dropped: a parameter the
 * vault does not know could make a paid answer carry no usage.
 */
export function allowedQuery(search: URLSearchParams, allowed: Readonly<Record<string, readonly string[] | true>>): string {
  const copy = new URLSearchParams();
  for (const [name, value] of search) {
    const rule = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (rule === true || (rule !== undefined && rule.includes(value))) copy.append(name, value);
  }
  const text = copy.toString();
  return text ? `?${text}` : '';
}

/** The key's base URL or the adapter's default, without a trailing slash. */
export function baseUrlOr(baseUrl: string, fallback: string): string {
  const chosen = baseUrl.trim() === '' ? fallback : baseUrl.trim();
  return chosen.replace(/\/+$/, '');
}

/** A path segment percent-decoded once, or undefined when its encoding is broken. */
export function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * A model id as it stands (already decoded, never decoded again). Model ids use letters,
 * digits and `. _ - : @ +` (fine-tuned OpenAI ids contain colons); anything else, and in
 * particular `/`, `%` or `..`, is refused so that the upstream path can never reach a
 * different endpoint than the one that was authorised.
 */
export function modelId(decoded: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._:@+-]*$/.test(decoded) && !decoded.includes('..') ? decoded : undefined;
}

/** One path segment naming a model, percent-decoded exactly once. */
export function modelSegment(raw: string): string | undefined {
  const decoded = decodeSegment(raw);
  return decoded === undefined ? undefined : modelId(decoded);
}

/** A body's list field, or [] (a hostile body may put anything anywhere). */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The facts of a body that asks for nothing beyond its endpoint. */
export function plainFacts(): BodyFacts {
  return { capabilities: [], models: [], answers: 1, images: 0, hostedTools: [] };
}

/** `data:` URLs are inline; anything else (http(s), gs://, file ids) is fetched by the provider. */
export function isInlineUrl(url: unknown): boolean {
  return typeof url === 'string' && /^data:/i.test(url.trim());
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

/** Every object inside `root`, iteratively (a hostile body may nest deeper than the stack). */
export function eachObject(root: unknown, visit: (record: Record<string, unknown>) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) stack.push(item);
    } else if (isRecord(value)) {
      visit(value);
      for (const item of Object.values(value)) if (typeof item === 'object' && item !== null) stack.push(item);
    }
  }
}
