import { z } from 'zod';
export { PORT_NAME, TO_BRIDGE, TO_PAGE } from './wire';

/** Methods a web page may call through the bridge. Everything else is refused. */
export const pageMethods = ['requestAccess', 'getGrants', 'revoke'] as const;
/** Streaming calls, answered by the Port handler itself: `fetch`, and `abort` naming a fetch's id. */
export const streamMethods = ['fetch', 'abort'] as const;
export type PageMethod = (typeof pageMethods)[number];

/** A call from a page, as the content script relays it over the Port. `params` is parsed per method. */
export const pageCallSchema = z.object({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.enum([...pageMethods, ...streamMethods]),
  params: z.unknown().optional(),
  /**
   * Said by the bridge (isolated world, out of the page's reach) with `requestAccess` only: whether the
   * frame has a user gesture now, and whether it is a frame of another origin than its top-level page.
   * The background pairs these with the browser's own tab and frame ids.
   */
  act: z.boolean().optional(),
  xo: z.boolean().optional(),
});
export type PageCall = z.infer<typeof pageCallSchema>;

/** What the background sends back over the Port: one reply per call, or an event for the whole origin. */
export type PagePortMessage =
  | { id: number; ok: true; value: unknown; done?: true }
  | { id: number; ok: false; error: WireError; done: true }
  /** A piece of a fetch's response body, base64url. */
  | { id: number; chunk: string }
  /** A fetch's body ended: cleanly, or with an error (the stream was cut). */
  | { id: number; done: true; error?: WireError }
  | { event: 'revoked'; detail: { token: string } };

export interface WireError {
  code: string;
  message: string;
  path?: string;
  response?: unknown;
}
