import { z } from 'zod';
import { AI_MODEL_ACCESS, limitsSchema, type GrantedAuthorizationDetail, type OkapRequest } from '../protocol';

/** "Never" is stored as the last representable day so every grant still has an `expires` (spec §4.3). */
export const NEVER = '9999-12-31T23:59:59.999Z';

/** What the approval window sends back for each requested detail, in request order. */
export const decisionSchema = z.object({
  id: z.string().min(1).max(100),
  details: z
    .array(
      z.object({
        models: z.array(z.string().max(200)).max(100),
        limits: limitsSchema,
        expires: z.iso.datetime({ offset: true }).nullable(),
      }),
    )
    .min(1)
    .max(10),
});
export type Decision = z.infer<typeof decisionSchema>;

export class DecisionError extends Error {
  readonly code = 'invalid_input';
}

/**
 * Turns the person's edits into granted details. The person may narrow the models (never add ones the
 * app did not ask for), change limits either way, and pick any future expiry or "never".
 */
export function grantedDetails(
  request: OkapRequest,
  decision: Decision,
  baseUrlFor: (provider: string) => string,
  now: number,
): GrantedAuthorizationDetail[] {
  if (decision.details.length !== request.authorization_details.length) throw new DecisionError('Every requested provider needs a decision.');
  return request.authorization_details.map((asked, index) => {
    const chosen = decision.details[index]!;
    const askedModels = asked.models ?? [];
    if (askedModels.length > 0) {
      if (chosen.models.length === 0) throw new DecisionError(`Choose at least one model for ${asked.provider}.`);
      if (chosen.models.some((model) => !askedModels.includes(model))) throw new DecisionError('Only requested models can be granted.');
    }
    const expires = chosen.expires ?? NEVER;
    if (Date.parse(expires) <= now) throw new DecisionError('The expiry must be in the future.');
    const granted: GrantedAuthorizationDetail = {
      type: AI_MODEL_ACCESS,
      provider: asked.provider,
      models: askedModels.length > 0 ? askedModels.filter((m) => chosen.models.includes(m)) : [],
      capabilities: asked.capabilities ?? [],
      limits: chosen.limits,
      base_url: baseUrlFor(asked.provider),
      expires: new Date(expires).toISOString(),
    };
    if (asked.reason !== undefined) granted.reason = asked.reason;
    return granted;
  });
}
