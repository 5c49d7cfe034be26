import { PORT_NAME, TO_BRIDGE, TO_PAGE } from '@/lib/page-api/wire';

/** While a call waits (an approval can take minutes), ping so the browser keeps the worker alive. */
const KEEPALIVE_MS = 20_000;

interface Port {
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}
declare const chrome: { runtime: { connect(info: { name: string }): Port } };

/**
 * The bridge, in the isolated world: relays page calls to the background over a Port and answers back
 * to this window only. It adds nothing and trusts nothing; the background learns the origin from the
 * browser. Uses the runtime Port API directly (the same in Chrome and Firefox) rather than the
 * polyfill, to keep what every page loads small. Declared in wxt.config.ts as a content script
 * (isolated world, every frame) at document_start; window.okap queues calls until this says `ready`,
 * so nothing depends on which of the two scripts runs first. An unlisted script carries no
 * framework runtime.
 */
export default defineUnlistedScript({
  main() {
    // An opaque-origin document (a sandboxed frame) has no origin a grant could belong to, and on Firefox
    // the background would only see its URL's: the bridge relays nothing from it (window.okap refuses too).
    if (window.origin == 'null') return;
    let port: Port | undefined;
    const waiting = new Set<number>();
    let keepalive: ReturnType<typeof setInterval> | undefined;

    const stopKeepalive = () => {
      clearInterval(keepalive);
      keepalive = undefined;
    };
    const toPage = (message: object) => window.postMessage({ ...message, target: TO_PAGE }, location.origin);

    function connect(): Port {
      const fresh = chrome.runtime.connect({ name: PORT_NAME });
      fresh.onMessage.addListener((message) => {
        const { id, done } = message as { id?: number; done?: boolean };
        if (typeof id === 'number' && done) waiting.delete(id);
        if (!waiting.size) stopKeepalive();
        toPage(message as object);
      });
      fresh.onDisconnect.addListener(() => {
        port = undefined;
        stopKeepalive();
        // The vault went away (update, crash): every call still waiting fails rather than hanging.
        for (const id of waiting) toPage({ id, ok: false, done: true, error: { code: 'internal_error', message: 'The vault restarted. Try again.' } });
        waiting.clear();
      });
      return fresh;
    }

    window.addEventListener('message', (event) => {
      const data = event.data as { target?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
      if (event.source !== window || data?.target !== TO_BRIDGE || typeof data.id !== 'number') return;
      port ??= connect();
      if (data.method !== 'abort') waiting.add(data.id);
      keepalive ??= setInterval(() => port?.postMessage({ keepalive: true }), KEEPALIVE_MS);
      // What only this frame knows, read here where the page cannot reach: a gesture, and whether it is a
      // frame of another origin than its top page (reading top's origin throws then).
      let xo = true;
      try {
        xo = top!.location.origin != location.origin;
      } catch {
        // cross-origin
      }
      const said = data.method == 'requestAccess' && { act: navigator.userActivation?.isActive, xo };
      try {
        port.postMessage({ id: data.id, method: data.method, params: data.params, ...said });
      } catch {
        // Too large or not serializable: the call fails rather than hanging.
        waiting.delete(data.id);
        toPage({ id: data.id, ok: false, done: true, error: { code: 'invalid_request', message: 'The request could not be sent to the vault (too large?).' } });
      }
    });
    // window.okap has queued whatever the page asked before now: it sends it on hearing this.
    toPage({ ready: true });
  },
});
