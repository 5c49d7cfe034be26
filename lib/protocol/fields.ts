import { z } from 'zod';
import {
  MAX_CLIENT_NAME_LENGTH,
  MAX_LIST_ITEM_LENGTH,
  MAX_LIST_ITEMS,
  MAX_REASON_LENGTH,
  MAX_URL_LENGTH,
} from './limits';

/** Field schemas shared by requests and responses, so both sides hold the same rules. */

export const PROVIDER_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const providerIdSchema = z
  .string()
  .regex(PROVIDER_ID_PATTERN, 'expected a provider id of lowercase letters, digits, ".", "_" or "-", like "openai"');

const notBlank = (text: string): boolean => text.trim().length > 0;

/**
 * Control characters and bidirectional overrides let a name display as something it is not
 * ("Trusted App" reversed in the approval window), so labels a person reads may not hold them.
 */
const DECEPTIVE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Free text may break lines; nothing else of the above. */
const DECEPTIVE_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const plainLabel = (text: string): boolean => !DECEPTIVE.test(text);
const PLAIN_MESSAGE = 'must not contain control or text-direction characters';

const listItemSchema = z
  .string()
  .max(MAX_LIST_ITEM_LENGTH)
  .refine(notBlank, 'must not be empty')
  .refine(plainLabel, PLAIN_MESSAGE);

/** Duplicates are harmless to accept but would show twice in the approval window, so they are merged. */
export const stringListSchema = z
  .array(listItemSchema)
  .max(MAX_LIST_ITEMS)
  .transform((items) => [...new Set(items)]);

const spendSchema = z.number().positive();
const countSchema = z.number().int().positive();

export const limitsSchema = z.object({
  monthly_spend: spendSchema.optional(),
  daily_spend: spendSchema.optional(),
  requests_per_minute: countSchema.optional(),
  requests_per_day: countSchema.optional(),
});

/**
 * A date-time with a time zone, or a plain date (the spec's table says "ISO 8601 date"), which the
 * parser reads as midnight UTC. Whether it lies in the future depends on the clock, so the parser
 * checks that (with its `now`), not this schema.
 */
export const expiresSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'expected an ISO 8601 date-time with a time zone, like "2026-03-01T00:00:00Z"',
});

/** Responses always carry a full date-time. */
export const expiresDateTimeSchema = z.iso.datetime({ offset: true });

export const reasonSchema = z
  .string()
  .max(MAX_REASON_LENGTH)
  .refine((text) => !DECEPTIVE_IN_TEXT.test(text), PLAIN_MESSAGE);

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** Only http(s): a `javascript:` or `data:` URL shown as a link in the approval window would be a trap. */
export const httpUrlSchema = z.string().max(MAX_URL_LENGTH).refine(isHttpUrl, 'expected an http(s) URL');

/**
 * What the app says about itself. It is only a label: the site's identity is the origin the browser
 * reports, never anything in here.
 */
export const clientSchema = z.object({
  name: z
    .string()
    .max(MAX_CLIENT_NAME_LENGTH)
    .refine(notBlank, 'must not be empty')
    .refine(plainLabel, PLAIN_MESSAGE),
  url: httpUrlSchema.optional(),
  callback: httpUrlSchema.optional(),
});
