import { z } from 'zod';
import { fromBase64Url } from '../encoding/base64';
import { VAULT_BASE } from './wire';

/**
 * Request bodies a page may send through the vault: above the APIs' own upload limits (25 MB audio),
 * and small enough that base64 still fits in one runtime message (Chrome caps those at 64 MiB).
 */
export const MAX_BODY_BYTES = 40 * 1024 * 1024;

/**
 * A page's `window.okap.fetch` call as it crosses the bridge: only URLs under the reserved vault host
 * are accepted here, whatever the page script did or did not check.
 */
export const fetchCallSchema = z.object({
  url: z
    .string()
    .max(8192)
    .refine((url) => URL.canParse(url) && new URL(url).href.startsWith(VAULT_BASE), `only ${VAULT_BASE}<provider>/… is proxied`),
  method: z.string().regex(/^[A-Z]{3,7}$/),
  headers: z.array(z.tuple([z.string().max(256), z.string().max(16_384)])).max(200),
  body: z
    .string()
    .max(Math.ceil((MAX_BODY_BYTES * 4) / 3) + 4)
    .transform((text, ctx) => {
      try {
        return fromBase64Url(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'body is not base64url' });
        return z.NEVER;
      }
    })
    .optional(),
});
export type FetchCall = z.infer<typeof fetchCallSchema>;

/** What a stream of fetch messages back to the page looks like, after the reply carrying the head. */
export interface ResponseHead {
  status: number;
  statusText: string;
  headers: [string, string][];
}
