import { z } from 'zod';
import { limitsSchema, type GrantedAuthorizationDetail } from '../protocol';
import { NEVER } from '../approvals/decision';

/** The person's change to one granted detail (one grant, one provider), from the Apps page. */
export const grantEditSchema = z.object({
  grantId: z.string().min(1).max(100),
  provider: z.string().min(1).max(64),
  models: z.array(z.string().trim().min(1).max(200)).max(100),
  limits: limitsSchema,
  /** ISO date-time, or null for "never". */
  expires: z.iso.datetime({ offset: true }).nullable(),
});
export type GrantEdit = z.infer<typeof grantEditSchema>;

export class GrantEditError extends Error {
  readonly code = 'invalid_input';
}

/**
 * The detail as edited. The person owns the vault, so models and limits may change either way;
 * a detail limited to some models stays limited (an empty list would silently mean "any model"),
 * and the expiry must lie in the future (ending a grant now is what "Revoke" is for).
 */
export function editedDetail(detail: GrantedAuthorizationDetail, edit: GrantEdit, now: number): GrantedAuthorizationDetail {
  const models = [...new Set(edit.models)];
  if ((detail.models?.length ?? 0) > 0 && models.length === 0) throw new GrantEditError(`Keep at least one model for ${detail.provider}.`);
  const expires = edit.expires ?? NEVER;
  if (!(Date.parse(expires) > now)) throw new GrantEditError('The expiry must be in the future.');
  const limits = Object.fromEntries(Object.entries(edit.limits).filter(([, v]) => v !== undefined));
  const { limits: _old, ...rest } = detail;
  return { ...rest, models, ...(Object.keys(limits).length ? { limits } : {}), expires: new Date(expires).toISOString() };
}
