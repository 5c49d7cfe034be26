import type { Runtime } from 'webextension-polyfill';
import { browser } from 'wxt/browser';
import { toBase64Url } from '@/lib/encoding/base64';
import { fetchCallSchema, type ResponseHead } from '@/lib/page-api/fetch-wire';
import { pageCallSchema, PORT_NAME, type PageMethod, type PagePortMessage } from '@/lib/page-api/messages';
import { originOfSender } from '@/lib/page-api/origin';
import type { pageApi } from '@/lib/page-api/service';

/** Proxies one page fetch: the Request is built here from validated parts, never taken from the page. */
export type ProxyFetch = (request: Request, origin: string) => Promise<Response>;

/**
 * The content scripts' Ports. Each Port's origin is fixed when it connects, from what the browser says
 * about its sender; every call on it is answered for that origin and nothing the page sends can change it.
 */
export function pagePorts(api: ReturnType<typeof pageApi>, proxyFetch: ProxyFetch) {
  const ports = new Map<Runtime.Port, string>();

  function send(port: Runtime.Port, message: PagePortMessage): boolean {
    try {
      port.postMessage(message);
      return true;
    } catch {
      ports.delete(port); // the tab went away while we were answering
      return false;
    }
  }

  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PORT_NAME) return;
    const origin = port.sender?.id === browser.runtime.id && port.sender.tab ? originOfSender(port.sender) : undefined;
    if (!origin) {
      port.disconnect();
      return;
    }
    const site: string = origin;
    ports.set(port, site);
    const fetches = new Map<number, AbortController>();
    const gone = new AbortController();
    port.onDisconnect.addListener(() => {
      ports.delete(port);
      gone.abort();
      // A closed tab cancels its calls upstream; they settle like any aborted call.
      for (const controller of fetches.values()) controller.abort(new DOMException('The page went away', 'AbortError'));
    });

    async function streamFetch(id: number, params: unknown): Promise<void> {
      const parsed = fetchCallSchema.safeParse(params);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        send(port, { id, ok: false, done: true, error: { code: 'invalid_request', message: issue?.message ?? 'bad fetch', path: issue?.path.join('.') } });
        return;
      }
      const controller = new AbortController();
      fetches.set(id, controller);
      try {
        const { url, method, headers, body } = parsed.data;
        const request = new Request(url, { method, headers, body: body as BodyInit | undefined, signal: controller.signal });
        const response = await proxyFetch(request, site);
        const head: ResponseHead = { status: response.status, statusText: response.statusText, headers: [...response.headers] };
        if (!send(port, { id, ok: true, value: head })) return void (await response.body?.cancel());
        const reader = response.body?.getReader();
        for (;;) {
          const next = await reader?.read();
          if (!next || next.done) break;
          if (!send(port, { id, chunk: toBase64Url(next.value) })) return void (await reader?.cancel());
        }
        send(port, { id, done: true });
      } catch {
        const aborted = controller.signal.aborted;
        const message = aborted ? 'The call was aborted.' : 'The connection to the provider was cut.';
        send(port, { id, ok: false, done: true, error: { code: aborted ? 'aborted' : 'network_error', message } });
      } finally {
        fetches.delete(id);
      }
    }

    port.onMessage.addListener(async (message: unknown) => {
      const call = pageCallSchema.safeParse(message);
      if (!call.success) return; // a keepalive, or not a call of ours; there is no id to answer
      const { id, method, params } = call.data;
      if (method === 'fetch') return streamFetch(id, params);
      if (method === 'abort') {
        if (typeof params === 'number') fetches.get(params)?.abort(new DOMException('Aborted by the page', 'AbortError'));
        return;
      }
      const result = await api(site, method as PageMethod, params, gone.signal);
      send(port, result.ok ? { id, ok: true, value: result.value, done: true } : { id, ok: false, error: result.error, done: true });
    });
  });

  return {
    /** Every page of `origin` learns that `token` stopped working. */
    announceRevoked(origin: string, token: string): void {
      for (const [port, portOrigin] of ports) if (portOrigin === origin) send(port, { event: 'revoked', detail: { token } });
    },
  };
}
