import { z } from 'zod';
import { limitsSchema } from '../protocol';

/** User preferences. Not secret; kept in the vault database so a backup can carry them. */
export const settingsSchema = z.object({
  autoLockMinutes: z.number().int().min(1).max(24 * 60).default(30),
  /** Prefilled in the approval window when a request names no limits. */
  defaultLimits: limitsSchema.default({ monthly_spend: 10, requests_per_minute: 60 }),
  /** Prefilled expiry, in days, when a request names none. */
  defaultExpiryDays: z.number().int().min(1).max(3650).default(30),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();

export const defaultSettings: Settings = settingsSchema.parse({});
