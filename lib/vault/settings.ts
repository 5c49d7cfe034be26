import { z } from 'zod';

/** User preferences. Not secret; kept in the vault database so a backup can carry them. */
export const settingsSchema = z.object({
  autoLockMinutes: z.number().int().min(1).max(24 * 60).default(30),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial();

export const defaultSettings: Settings = settingsSchema.parse({});
