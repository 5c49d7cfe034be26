import { bytesToB64, receiveResponse, type FetchMessage } from '@/lib/page-api/fetch-stream';
import type { WireError } from '@/lib/page-api/messages';
import { TO_BRIDGE, TO_PAGE, VAULT_BASE } from '@/lib/page-api/wire';

// Runs in the page's own world: everything here is visible to, and patchable by, the page. It holds
// nothing secret and decides nothing; it only turns calls into messages for the bridge. Every page
// loads this: it imports constants, types (0 bytes) and the page half of lib/page-api/fetch-stream.

interface WireMessage {
  target?: unknown;
  id?: unknown;
  ok?: boolean;
  value?: unknown;
  error?: WireError;
  chunk?: string;
  done?: boolean;
  ready?: boolean;
  event?: string;
  detail?: unknown;
}

export class OkapError extends Error {
  // `declare`: no field initializers in what every page loads; the constructor sets what the error has.
  declare code: string;
  declare path?: string;
  declare response?: unknown;
  constructor(error: WireError) {
    super(error.message);
    // The vault's error as it came (JSON: code, message, and path and response only when it has them).
    Object.assign(this, error, { name: 'OkapError' });
  }
}

const ICON =
  'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"%3E%3Crect width="32" height="32" rx="7" fill="%234f46e5"/%3E%3Cpath d="M10 15v-3a6 6 0 0 1 12 0v3h1v10H9V15zm3 0h6v-3a3 3 0 0 0-6 0z" fill="white"/%3E%3C/svg%3E';

export function installOkap(version: string): void {
  /** Whoever waits for messages of a call id: a plain reply, or a fetch streaming its body. */
  const handlers = new Map<number, (message: WireMessage) => unknown>();
  const events = new EventTarget();
  let nextId = 1;
  const send = (message: object) => window.postMessage({ ...message, target: TO_BRIDGE }, location.origin);
  // The bridge arrives at document_idle (what every page pays is a MAIN script alone), so calls made
  // before it says `ready` wait here. structuredClone now, so a call that cannot be copied fails at
  // once, as postMessage would have made it.
  let early: object[] | undefined = [];
  const post = (message: object) => (early ? early.push(structuredClone(message)) : send(message));

  // A sandboxed frame's origin is opaque: no grant can belong to it, and the bridge relays nothing.
  const sandboxed = self.origin == 'null' && new OkapError({ code: 'invalid_request', message: 'Not available in a sandboxed (opaque-origin) document' });

  function call(method: string, params?: unknown): Promise<never> {
    return new Promise((resolve, reject) => {
      if (sandboxed) return reject(sandboxed);
      const id = nextId++;
      handlers.set(id, (message) => {
        handlers.delete(id);
        if (message.ok) resolve(message.value as never);
        else reject(new OkapError(message.error ?? { code: 'internal_error', message: 'Malformed reply' }));
      });
      try {
        post({ id, method, params });
      } catch {
        handlers.delete(id);
        reject(new OkapError({ code: 'invalid_request', message: 'The request could not be copied (functions, DOM nodes or symbols inside?)' }));
      }
    });
  }

  /** fetch() for `https://okap.invalid/v1/<provider>/…`: the vault proxies it; nothing else is sent anywhere. */
  async function okapFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    if (!request.url.startsWith(VAULT_BASE)) throw new TypeError(`window.okap.fetch only reaches ${VAULT_BASE}<provider>/…, not ${request.url}`);
    if (sandboxed) throw sandboxed;
    const { signal } = request;
    signal.throwIfAborted();
    const bytes = /^(GET|HEAD)$/.test(request.method) ? undefined : new Uint8Array(await request.arrayBuffer());
    if (bytes && bytes.length > 40 * 1024 * 1024) throw new TypeError('window.okap.fetch: request bodies are limited to 40 MiB');
    const body = bytes && bytesToB64(bytes);
    signal.throwIfAborted();
    const id = nextId++;
    const { response, handle } = receiveResponse(signal, () => {
      if (handlers.delete(id)) post({ id: nextId++, method: 'abort', params: id });
    });
    handlers.set(id, (message) => handle(message as FetchMessage) && handlers.delete(id));
    post({ id, method: 'fetch', params: { url: request.url, method: request.method, headers: [...request.headers], body } });
    return response;
  }

  window.addEventListener('message', (event) => {
    const data = event.data as WireMessage | null;
    if (event.source !== window || data?.target !== TO_PAGE) return;
    if (data.ready) {
      early?.forEach(send);
      early = undefined;
    } else if (data.event === 'revoked') events.dispatchEvent(new CustomEvent('revoked', { detail: data.detail }));
    else if (typeof data.id === 'number') handlers.get(data.id)?.(data);
  });

  const vault = Object.freeze({
    isOkap: true,
    version,
    requestAccess: (request: unknown) => call('requestAccess', request),
    getGrants: () => call('getGrants'),
    revoke: (token: string) => call('revoke', token),
    fetch: okapFetch,
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    OkapError,
  });

  if (!('okap' in window)) Object.defineProperty(window, 'okap', { value: vault, enumerable: true });

  const info = Object.freeze({ uuid: crypto.randomUUID(), name: 'OKAP Wallet', icon: ICON, rdns: 'dev.okap.wallet', version });
  const announce = () => window.dispatchEvent(new CustomEvent('okap:announceVault', { detail: Object.freeze({ info, vault }) }));
  window.addEventListener('okap:requestVault', announce);
  announce();

  // The spec's own transport (§7.1): OKAP_REQUEST in, OKAP_RESPONSE out, on this window only.
  window.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown; id?: unknown } | null;
    if (event.source !== window || data?.type !== 'OKAP_REQUEST') return;
    const { type: _type, ...request } = data;
    const reply = (response: object) =>
      window.postMessage({ ...response, type: 'OKAP_RESPONSE', ...(data.id !== undefined && { id: data.id }) }, location.origin);
    call('requestAccess', request).then(reply, (error: OkapError) =>
      reply({ okap: '1.0', status: 'denied', reason: error.message, ...(error.response as object), error: { code: error.code, message: error.message, path: error.path } }),
    );
  });
}
