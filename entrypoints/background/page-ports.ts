import type { Runtime } from 'webextension-polyfill';
import { browser } from 'wxt/browser';
import { cutError, sendResponse } from '@/lib/page-api/fetch-stream';
import { parseFetchCall } from '@/lib/page-api/fetch-wire';
import { pageCallSchema, PORT_NAME, type PageMethod, type PagePortMessage } from '@/lib/page-api/messages';
import { originOfSender } from '@/lib/page-api/origin';
import type { CallerContext } from '@/lib/page-api/presence';
import type { pageApi } from '@/lib/page-api/service';

/** Proxies one page fetch: the Request is built here from validated parts, never taken from the page. */
export type ProxyFetch = (request: Request, origin: string) => Promise<Response>;

/** Whether `token` is a live grant of `origin`: asked before a large page body is decoded. */
export type LiveGrant = (origin: string, token: string) => Promise<boolean>;

/** The browser's word on whether a tab is in front: the active tab of a window that is not minimized. */
async function tabInFront(tabId: number | undefined): Promise<boolean> {
  if (tabId === undefined) return false;
  try {
    const tab = await browser.tabs.get(tabId);
    if (!tab.active || tab.windowId === undefined) return false;
    return (await browser.windows.get(tab.windowId)).state !== 'minimized';
  } catch {
    return false;
  }
}

/**
 * Where a request came from: the tab's place from the browser, the frame's from its id (0 is the
 * top-level document), and what only the frame itself can tell (a gesture, another origin than its
 * top page) from the bridge, which runs out of the page's reach. A frame the bridge
 * says nothing about is taken as cross-origin.
 */
async function callerOf(sender: Runtime.MessageSender | undefined, said: { act?: boolean; xo?: boolean }): Promise<CallerContext> {
  const top = sender?.frameId === 0;
  return {
    visible: await tabInFront(sender?.tab?.id),
    frame: top ? 'top' : said.xo === false ? 'same-origin' : 'cross-origin',
    activated: said.act === true,
    tabId: sender?.tab?.id,
  };
}

/**
 * The content scripts' Ports. Each Port's origin is fixed when it connects, from what the browser says
 * about its sender; every call on it is answered for that origin and nothing the page sends can change it.
 */
export function pagePorts(api: ReturnType<typeof pageApi>, proxyFetch: ProxyFetch, liveGrant: LiveGrant) {
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
      // Token and grant before the body: a page without a live grant cannot make the worker decode megabytes.
      const parsed = await parseFetchCall(params, (token) => liveGrant(site, token));
      if (!parsed.ok) {
        send(port, { id, ok: false, done: true, error: parsed.error });
        return;
      }
      const controller = new AbortController();
      fetches.set(id, controller);
      try {
        const { url, method, headers, body } = parsed.call;
        const request = new Request(url, { method, headers, body: body as BodyInit | undefined, signal: controller.signal });
        const response = await proxyFetch(request, site);
        await sendResponse(id, response, (message) => send(port, message), () => controller.signal.aborted);
      } catch {
        send(port, { id, ok: false, done: true, error: cutError(controller.signal.aborted) });
      } finally {
        fetches.delete(id);
      }
    }

    // A Port listener's return value is ignored; each call answers (or fails) on its own.
    port.onMessage.addListener((message: unknown) => void onMessage(message));
    async function onMessage(message: unknown): Promise<void> {
      const call = pageCallSchema.safeParse(message);
      if (!call.success) return; // a keepalive, or not a call of ours; there is no id to answer
      const { id, method, params, ...said } = call.data;
      if (method === 'fetch') return streamFetch(id, params);
      if (method === 'abort') {
        if (typeof params === 'number') fetches.get(params)?.abort(new DOMException('Aborted by the page', 'AbortError'));
        return;
      }
      const caller = method === 'requestAccess' ? await callerOf(port.sender, said) : undefined;
      const result = await api(site, method as PageMethod, params, gone.signal, caller);
      send(port, result.ok ? { id, ok: true, value: result.value, done: true } : { id, ok: false, error: result.error, done: true });
    }
  });

  return {
    /** Every page of `origin` learns that `token` stopped working. */
    announceRevoked(origin: string, token: string): void {
      for (const [port, portOrigin] of ports) if (portOrigin === origin) send(port, { event: 'revoked', detail: { token } });
    },
  };
}
