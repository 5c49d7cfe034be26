import { z } from 'zod';
import { limitsSchema } from '../protocol';

const price = z.number().finite().min(0).max(1_000_000);
const priceOverrideSchema = z.object({
  provider: z.string().min(1).max(64),
  model: z.string().trim().min(1).max(200),
  inputPerMTok: price,
  outputPerMTok: price,
  cacheReadPerMTok: price.optional(),
  cacheWritePerMTok: price.optional(),
});

const fields = {
  autoLockMinutes: z.number().int().min(1).max(24 * 60),
  /** Prefilled in the approval window when a request names no limits. */
  defaultLimits: limitsSchema,
  /** Prefilled expiry, in days, when a request names none. */
  defaultExpiryDays: z.number().int().min(1).max(3650),
  /** IANA zone that decides when a day or month of spend begins; empty means the browser's own. */
  timeZone: z.string().max(64).refine((zone) => isTimeZone(zone), 'Unknown time zone'),
  /** Prices the user sets, for models the price list does not know; they win over the list. */
  priceOverrides: z.array(priceOverrideSchema).max(500),
  /** Days the activity log keeps a call's row; older rows are pruned in the background. Limits never read rows. */
  usageRetentionDays: z.number().int().min(7).max(36500),
  /** A browser notification when a grant reaches 80% and 100% of a daily or monthly spend limit. */
  spendAlerts: z.boolean(),
};

/** User preferences. Not secret; kept in the vault database so a backup can carry them. */
export const settingsSchema = z.object({
  autoLockMinutes: fields.autoLockMinutes.default(30),
  defaultLimits: fields.defaultLimits.default({ monthly_spend: 10, requests_per_minute: 60 }),
  defaultExpiryDays: fields.defaultExpiryDays.default(30),
  timeZone: fields.timeZone.default(''),
  priceOverrides: fields.priceOverrides.default([]),
  usageRetentionDays: fields.usageRetentionDays.default(365),
  spendAlerts: fields.spendAlerts.default(true),
});
/** A change to some settings: no defaults here, or a patch would reset what it does not name. */
export const settingsPatchSchema = z.object(fields).partial();

function isTimeZone(zone: string): boolean {
  if (zone === '') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone in force: the user's choice, else the one this browser runs in. */
export const effectiveTimeZone = (settings: Settings): string => settings.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;

export type Settings = z.infer<typeof settingsSchema>;

export const defaultSettings: Settings = settingsSchema.parse({});
