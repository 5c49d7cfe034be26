/**
 * Shared set-up for the pipeline's tests: grants built in place, in-memory deps, and a fetch
 * that notes what went upstream. The upstream itself is a real local aimock server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Grant } from '../grants/types';
import { createLimitLedger, type ExtensionLedger } from '../limits/ledger';
import { memoryCounterStore, type MemoryCounterStore } from '../limits/memory-store';
import type { PriceOverride } from '../pricing';
import { AI_MODEL_ACCESS, type GrantedAuthorizationDetail, type Limits } from '../protocol';
import type { KeyKind } from '../providers/kinds';
import { memoryUsageSink, type MemoryUsageSink } from '../usage/memory';
import type { ProviderKey, ProxyDeps } from './deps';
import { createRevocationHub, type RevocationHub } from './revocation';

export const REAL_KEY = 'sk-real-upstream-key';
export const T0 = Date.parse('2026-03-10T12:00:00Z');
export const ORIGIN = 'https://app.example';

let tokens = 0;
/** A fresh token in this vault's format (`okap_` + 43 base64url characters). */
export function newToken(): string {
  tokens++;
  return `okap_${String(tokens).padStart(43, 'x')}`;
}

export interface DetailSpec {
  provider: string;
  models?: string[];
  capabilities?: string[];
  limits?: Limits;
  expires?: number;
}

export function makeGrant(details: DetailSpec[], over: Partial<Grant> = {}): Grant {
  const expiresAt = Math.max(...details.map((d) => d.expires ?? T0 + 86_400_000));
  return {
    id: `grant-${++tokens}`,
    origin: ORIGIN,
    client: { name: 'Test app' },
    details: details.map(
      (d): GrantedAuthorizationDetail => ({
        type: AI_MODEL_ACCESS,
        provider: d.provider,
        ...(d.models ? { models: d.models } : {}),
        ...(d.capabilities ? { capabilities: d.capabilities } : {}),
        ...(d.limits ? { limits: d.limits } : {}),
        expires: new Date(d.expires ?? T0 + 86_400_000).toISOString(),
        base_url: `https://okap.invalid/v1/${d.provider}`,
      }),
    ),
    tokenHash: '',
    createdAt: T0 - 1000,
    expiresAt,
    revokedAt: 0,
    ...over,
  };
}

export interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

export interface Kit {
  deps: ProxyDeps;
  grants: Map<string, Grant>;
  keys: Map<string, ProviderKey>;
  store: MemoryCounterStore;
  ledger: ExtensionLedger;
  usage: MemoryUsageSink;
  hub: RevocationHub;
  sent: Sent[];
  errors: unknown[];
  clock: { now: number };
  overrides: PriceOverride[];
  locked: { value: boolean };
  /** Registers a grant and returns its token. */
  grant(grant: Grant): string;
}

/** Keys for the three wire formats, all pointing at one aimock server. */
export function keysFor(mockUrl: string): Map<string, ProviderKey> {
  const key = (kind: KeyKind, baseUrl: string): ProviderKey => ({ kind, baseUrl, secret: REAL_KEY });
  return new Map([
    ['openai', key('openai', `${mockUrl}/v1`)],
    ['anthropic', key('anthropic', mockUrl)],
    ['google', key('google', mockUrl)],
    ['groq', key('openai-compatible', `${mockUrl}/v1`)],
  ]);
}

export function makeKit(mockUrl: string, timeZone = 'UTC'): Kit {
  const grants = new Map<string, Grant>();
  const keys = keysFor(mockUrl);
  // Admitted calls' rows are committed by the ledger; the sink shows them beside the refusals.
  const usage = memoryUsageSink();
  const store = memoryCounterStore({ onRow: (row) => void usage.record(row) });
  const errors: unknown[] = [];
  const clock = { now: T0 };
  const ledger = createLimitLedger({ store, timeZone, onError: (e) => errors.push(e), now: () => clock.now });
  const hub = createRevocationHub();
  const sent: Sent[] = [];
  const overrides: PriceOverride[] = [];
  const locked = { value: false };
  const deps: ProxyDeps = {
    grants: { findByToken: async (token) => grants.get(token) },
    keys: {
      async forProvider(providerId) {
        if (locked.value) throw Object.assign(new Error('The vault is locked.'), { code: 'vault_locked' });
        return keys.get(providerId);
      },
    },
    limits: ledger,
    usage,
    now: () => clock.now,
    priceOverrides: () => overrides,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      sent.push({
        url: request.url,
        method: request.method,
        headers: new Headers(request.headers),
        body: init?.body ? new TextDecoder().decode(init.body as Uint8Array) : '',
      });
      return fetch(input, init);
    },
    revocations: hub,
    onError: (e) => errors.push(e),
  };
  return {
    deps,
    grants,
    keys,
    store,
    ledger,
    usage,
    hub,
    sent,
    errors,
    clock,
    overrides,
    locked,
    grant(grant) {
      const token = newToken();
      grants.set(token, grant);
      return token;
    },
  };
}

/** A virtual-URL request as an app's SDK would send it in local mode. */
export function appRequest(provider: string, path: string, init: RequestInit & { json?: unknown } = {}): Request {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Request(`https://okap.invalid/v1/${provider}${path}`, {
    method: json !== undefined ? 'POST' : 'GET',
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

export const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
});

/** One answer the replaying upstream gives, from recorded provider bytes. */
export interface Replay {
  status?: number;
  contentType?: string;
  body: string;
  /** Send only the first N SSE events, then break the connection (an upstream cut). */
  cutAfterEvents?: number;
  /** Send only the first N SSE events, then hold the connection open (for app aborts). */
  stallAfterEvents?: number;
}

export interface Replayer {
  /** Mount on an aimock server: `mock.mount(REPLAY_PATH, replayer)`. */
  handleRequest(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
  /** Answers to give, in order, one per request; the last one repeats. */
  play(...replays: Replay[]): void;
  /** Or an answer made from each request's body (for concurrent calls that differ). */
  respondWith(make: ((body: string) => Replay) | undefined): void;
  /** Paths (with query) and headers that reached it. */
  seen: { path: string; headers: Record<string, string | string[] | undefined> }[];
}

export const REPLAY_PATH = '/replay';

/**
 * Recorded provider bytes (lib/providers/fixtures) served by the real aimock HTTP server
 * through its `mount` hook, so the pipeline meets the providers' real event shapes (aimock's
 * own Anthropic stream, for one, repeats the final output count in `message_start`), cut
 * or stalled where a test says.
 */
export function makeReplayer(): Replayer {
  let queue: Replay[] = [];
  let maker: ((body: string) => Replay) | undefined;
  const seen: Replayer['seen'] = [];
  return {
    seen,
    play(...replays) {
      queue = replays;
    },
    respondWith(make) {
      maker = make;
    },
    async handleRequest(req, res, pathname) {
      seen.push({ path: pathname + (req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''), headers: { ...req.headers } });
      let text = '';
      for await (const chunk of req) text += String(chunk);
      const replay = maker ? maker(text) : queue.length > 1 ? queue.shift()! : queue[0];
      if (!replay) {
        res.writeHead(500).end();
        return true;
      }
      res.writeHead(replay.status ?? 200, { 'content-type': replay.contentType ?? 'text/event-stream' });
      res.flushHeaders();
      const limit = replay.cutAfterEvents ?? replay.stallAfterEvents;
      if (limit === undefined) {
        res.end(replay.body);
        return true;
      }
      // Events end at a blank line, whichever line ending the recording uses (Gemini's is CRLF).
      const events = replay.body.split(/\r?\n\r?\n/).filter((e) => e.trim() !== '');
      res.write(events.slice(0, limit).map((e) => `${e}\n\n`).join(''));
      if (replay.cutAfterEvents !== undefined) setTimeout(() => res.destroy(), 20);
      else req.socket.once('close', () => res.destroy());
      return true;
    },
  };
}
