import { TO_BRIDGE, TO_PAGE } from '@/lib/page-api/wire';

// Runs in the page's own world: everything here is visible to, and patchable by, the page. It holds
// nothing secret and decides nothing; it only turns calls into messages for the bridge.

interface WireError {
  code: string;
  message: string;
  path?: string;
  response?: unknown;
}

export class OkapError extends Error {
  code: string;
  path?: string;
  response?: unknown;
  constructor(error: WireError) {
    super(error.message);
    this.name = 'OkapError';
    this.code = error.code;
    if (error.path !== undefined) this.path = error.path;
    if (error.response !== undefined) this.response = error.response;
  }
}

const ICON =
  'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"%3E%3Crect width="32" height="32" rx="7" fill="%234f46e5"/%3E%3Cpath d="M10 15v-3a6 6 0 0 1 12 0v3h1v10H9V15zm3 0h6v-3a3 3 0 0 0-6 0z" fill="white"/%3E%3C/svg%3E';

export function installOkap(version: string): void {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: OkapError) => void }>();
  const events = new EventTarget();
  let nextId = 1;

  function call(method: string, params?: unknown): Promise<never> {
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        window.postMessage({ target: TO_BRIDGE, id, method, params }, location.origin);
      } catch {
        pending.delete(id);
        reject(new OkapError({ code: 'invalid_request', message: 'The request could not be copied (functions, DOM nodes or symbols inside?)' }));
      }
    });
  }

  window.addEventListener('message', (event) => {
    const data = event.data as { target?: unknown; id?: unknown; ok?: boolean; value?: unknown; error?: WireError; event?: string; detail?: unknown } | null;
    if (event.source !== window || data?.target !== TO_PAGE) return;
    if (data.event === 'revoked') {
      events.dispatchEvent(new CustomEvent('revoked', { detail: data.detail }));
      return;
    }
    const waiter = typeof data.id === 'number' ? pending.get(data.id) : undefined;
    if (!waiter) return;
    pending.delete(data.id as number);
    if (data.ok) waiter.resolve(data.value);
    else waiter.reject(new OkapError(data.error ?? { code: 'internal_error', message: 'Malformed reply' }));
  });

  const vault = Object.freeze({
    isOkap: true,
    version,
    requestAccess: (request: unknown) => call('requestAccess', request),
    getGrants: () => call('getGrants'),
    revoke: (token: string) => call('revoke', token),
    addEventListener: events.addEventListener.bind(events),
    removeEventListener: events.removeEventListener.bind(events),
    OkapError,
  });

  if (!('okap' in window)) Object.defineProperty(window, 'okap', { value: vault, enumerable: true });

  const info = Object.freeze({ uuid: crypto.randomUUID(), name: 'OKAP Wallet', icon: ICON, rdns: 'dev.okap.wallet', version });
  const announce = () =>
    window.dispatchEvent(new CustomEvent('okap:announceVault', { detail: Object.freeze({ info, vault }) }));
  window.addEventListener('okap:requestVault', announce);
  announce();

  // The spec's own transport (§7.1): OKAP_REQUEST in, OKAP_RESPONSE out, on this window only.
  window.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown; id?: unknown } | null;
    if (event.source !== window || data?.type !== 'OKAP_REQUEST') return;
    const { type: _type, ...request } = data;
    const reply = (response: object) => window.postMessage({ ...response, type: 'OKAP_RESPONSE', ...(data.id !== undefined && { id: data.id }) }, location.origin);
    call('requestAccess', request).then(reply, (error: OkapError) =>
      reply({ okap: '1.0', status: 'denied', reason: error.message, ...(error.response as object), error: { code: error.code, message: error.message, path: error.path } }),
    );
  });
}
