import type { z } from 'zod';
import type { VaultDb } from '../db/schema';

/** Typed access to one singleton row of the meta table; a row that fails its schema reads as absent. */
export function metaEntry<T>(db: VaultDb, id: string, schema: z.ZodType<T>) {
  return {
    async get(): Promise<T | undefined> {
      const row = await db.meta.get(id);
      if (!row) return undefined;
      const parsed = schema.safeParse(row.value);
      return parsed.success ? parsed.data : undefined;
    },
    async put(value: T): Promise<void> {
      await db.meta.put({ id, value });
    },
  };
}
