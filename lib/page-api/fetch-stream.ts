// Both halves of `window.okap.fetch`'s response on the wire, written once: the background turns a
// Response into Port messages, the page turns those messages back into a Response. The page half is
// bundled into the script every web page loads, so this file imports types only (0 bytes).
import type { PagePortMessage, WireError } from './messages';

/** What the first reply of a fetch carries: everything of the Response but its body. */
export interface ResponseHead {
  status: number;
  statusText: string;
  headers: [string, string][];
}

/** Statuses whose Response may not have a body (`new Response(stream, { status: 204 })` throws). */
export const NULL_BODY_STATUSES = [101, 103, 204, 205, 304];

/** The messages of one fetch, background to page. */
export type FetchMessage = Extract<PagePortMessage, { id: number }>;

/**
 * base64url without padding. Runtime messages are JSON in Chrome, so bytes cross as text; built
 * 32 KiB at a time (one `fromCharCode` call each), not byte by byte, since every chunk of every
 * streamed answer goes through here.
 */
export function bytesToB64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The inverse of `bytesToB64`. Only for text from the vault itself; untrusted text goes through `fromBase64Url`. */
export function b64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
}

/**
 * Background half: the head, each body chunk in order, then `done`. `send` says false once the page is
 * gone, and the upstream body is cancelled then. A body that fails midway (a cut connection, an abort)
 * ends with `done` and an error, so the page's stream errors rather than ending as if complete.
 */
export async function sendResponse(id: number, response: Response, send: (message: FetchMessage) => boolean, aborted: () => boolean): Promise<void> {
  const head: ResponseHead = { status: response.status, statusText: response.statusText, headers: [...response.headers] };
  if (!send({ id, ok: true, value: head })) return void (await response.body?.cancel());
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      if (!send({ id, chunk: bytesToB64(next.value) })) return void (await reader?.cancel());
    }
  } catch {
    send({ id, done: true, error: cutError(aborted()) });
    return;
  }
  send({ id, done: true });
}

/** How a fetch that failed before or during its body is told to the page. */
export function cutError(aborted: boolean): WireError {
  return aborted
    ? { code: 'aborted', message: 'The call was aborted.' }
    : { code: 'network_error', message: 'The connection to the provider was cut.' };
}

/**
 * Page half: one fetch's messages back into a Response, as `fetch()` would give it. The promise
 * resolves with the head; the body streams after. `signal` aborting rejects (or errors the body) with
 * its reason and calls `stop`, which tells the vault to cancel; so does cancelling the body.
 * Returns the message handler, which says true once the fetch is over and wants no more messages.
 */
export function receiveResponse(signal: AbortSignal, stop: () => void): { response: Promise<Response>; handle: (message: FetchMessage) => boolean } {
  // Not Promise.withResolvers: Node 20, where the tests run, lacks it.
  let resolve!: (response: Response) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<Response>((yes, no) => ((resolve = yes), (reject = no)));
  let body$!: ReadableStreamDefaultController<Uint8Array>;
  let headed = false;
  let over = false;
  const fail = (error: unknown) => {
    if (headed) body$.error(error);
    else reject(error);
    over = true;
  };
  // Still waiting, the page gives up: the vault cancels upstream, and whatever it sends after is dropped.
  const quit = (error?: unknown) => {
    if (over) return;
    stop();
    if (error) fail(error);
    over = true;
  };
  const stream = new ReadableStream<Uint8Array>({ start: (controller) => void (body$ = controller), cancel: () => quit() });
  signal.addEventListener('abort', () => quit(signal.reason), { once: true });

  function handle(message: FetchMessage): boolean {
    if (over) return true;
    const { error } = message as { error?: WireError };
    // The vault says `aborted` only after this page aborted, and that answer finds `over` set above:
    // any error here is the call failing, which fetch() reports as a TypeError.
    if (error) {
      fail(new TypeError(error.message));
    } else if ('chunk' in message) body$.enqueue(b64ToBytes(message.chunk));
    else if ('ok' in message && message.ok) {
      const head = message.value as ResponseHead;
      headed = true;
      resolve(new Response(NULL_BODY_STATUSES.includes(head.status) ? null : stream, head));
    } else over = !!(message.done && (body$.close(), 1));
    return over;
  }
  return { response: promise, handle };
}
