import { z } from 'zod';
import { limitsSchema, providerIdSchema, type OkapRequest } from '../../lib/protocol';
import type { Queryable } from '../db/sql';

/** An auto-approve rule: requests it matches are granted at once, with its limits. */
export const ruleSchema = z
  .object({
    /** Matches `client.name` exactly. At least one of client_name and client_url is required. */
    client_name: z.string().min(1).max(200).optional(),
    /** Matches the origin of `client.url`. */
    client_url: z.url().max(2048).optional(),
    provider: providerIdSchema,
    /** Models the rule allows; empty or absent: any model. A request for models outside it does not match. */
    models: z.array(z.string().min(1).max(200)).max(100).optional(),
    limits: limitsSchema,
    /** Days until the grant expires. */
    expires_in_days: z.number().int().min(1).max(3650).default(30),
  })
  .strict()
  .refine((r) => r.client_name !== undefined || r.client_url !== undefined, {
    message: 'name a client_name or a client_url to match',
    path: ['client_name'],
  });
export type Rule = z.infer<typeof ruleSchema> & { id: string };

const originOf = (url: string | undefined): string | undefined => {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
};

/** Whether the rule covers the whole request: its client, and every detail's provider and models. */
export function ruleMatches(rule: Rule, request: OkapRequest): boolean {
  const client = request.client;
  if (rule.client_name !== undefined && client?.name !== rule.client_name) return false;
  if (rule.client_url !== undefined && originOf(client?.url) !== originOf(rule.client_url)) return false;
  const allowed = rule.models ?? [];
  return request.authorization_details.every((d) => {
    if (d.provider !== rule.provider) return false;
    if (allowed.length === 0) return true;
    const asked = d.models ?? [];
    return asked.length > 0 && asked.every((m) => allowed.includes(m));
  });
}

export function sqlRuleStore(db: Queryable, now: () => number = Date.now) {
  return {
    async add(rule: z.infer<typeof ruleSchema>): Promise<Rule> {
      const id = crypto.randomUUID();
      await db.query('INSERT INTO rules (id, rule, created_at) VALUES ($1, $2, $3)', [id, JSON.stringify(rule), now()]);
      return { ...rule, id };
    },
    async list(): Promise<Rule[]> {
      const rows = await db.query<{ id: string; rule: z.infer<typeof ruleSchema> }>('SELECT id, rule FROM rules ORDER BY created_at');
      return rows.map((r) => ({ ...r.rule, id: r.id }));
    },
    async remove(id: string): Promise<boolean> {
      return (await db.query('DELETE FROM rules WHERE id = $1 RETURNING id', [id])).length > 0;
    },
  };
}
export type SqlRuleStore = ReturnType<typeof sqlRuleStore>;
