import { z } from 'zod';
export { PORT_NAME, TO_BRIDGE, TO_PAGE } from './wire';

/** Methods a web page may call through the bridge. Everything else is refused. */
export const pageMethods = ['requestAccess', 'getGrants', 'revoke'] as const;
export type PageMethod = (typeof pageMethods)[number];

/** A call from a page, as the content script relays it over the Port. `params` is parsed per method. */
export const pageCallSchema = z.object({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.enum(pageMethods),
  params: z.unknown().optional(),
});
export type PageCall = z.infer<typeof pageCallSchema>;

/** What the background sends back over the Port: one reply per call, or an event for the whole origin. */
export type PagePortMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code: string; message: string; path?: string; response?: unknown } }
  | { event: 'revoked'; detail: { token: string } };
