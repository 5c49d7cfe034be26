import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { parseOkapRequest, type GrantedResponse, type OkapRequest } from '../../lib/protocol';
import { AccessError, type Answer } from '../access';
import type { Vault } from '../vault';
import type { Env } from './owner';
import { jsonError, readJson } from './errors';
import { failureThrottle } from './throttle';

const MAX_LONG_POLL_S = 60;

/** The okap Python SDK 0.1's request (its `AccessRequest`, sent with exclude_none). */
const sdkRequest = z
  .object({
    okap: z.string().optional(),
    provider: z.string(),
    models: z.array(z.string()).optional(),
    capabilities: z.array(z.string()).optional(),
    limits: z
      .object({
        monthly_spend: z.number().optional(),
        daily_spend: z.number().optional(),
        requests_per_minute: z.number().optional(),
        requests_per_day: z.number().optional(),
      })
      .strict()
      .optional(),
    expires: z.string().optional(),
    reason: z.string().optional(),
    app_name: z.string().optional(),
    app_url: z.string().optional(),
    // Sent by the SDK's model, unused here: the answer goes back on the held request.
    redirect_uri: z.string().optional(),
  })
  .strict();

/** What that SDK can read back: its Provider and Capabilities enums reject anything else. */
const SDK_PROVIDERS = new Set(['openai', 'anthropic', 'google', 'ollama']);
const SDK_CAPABILITIES = new Set(['chat', 'completions', 'embeddings', 'images', 'audio', 'moderation']);

function sdkToken(granted: GrantedResponse) {
  const d = granted.authorization_details[0]!;
  return {
    token: granted.token,
    base_url: d.base_url,
    provider: d.provider,
    models: d.models ?? [],
    capabilities: (d.capabilities ?? []).filter((c) => SDK_CAPABILITIES.has(c)),
    limits: d.limits ?? {},
    expires_at: d.expires,
  };
}

const sdkRefusal = (c: Context, error_code: string, error: string) => c.json({ okap: '1.0', approved: false, error, error_code });

function requester(c: Context<Env>) {
  const origin = c.req.header('origin');
  return { address: c.get('address'), ...(origin && origin !== 'null' ? { browserOrigin: origin } : {}) };
}

function wireAnswer(c: Context, answer: Answer, publicUrl: string) {
  if (answer.status === 'pending') {
    const id = answer.request.id;
    return c.json({ okap: '1.0', status: 'pending', request_id: id, poll_url: `${publicUrl}/okap/requests/${id}` }, 202);
  }
  return c.json(answer.body as object, 200);
}

function accessFailure(c: Context, error: unknown) {
  if (error instanceof AccessError) return jsonError(c, error.status as 404, error.code, error.message);
  throw error;
}

/** The app side: §7.2's authorize with a long poll, and the okap Python SDK's held-open request. */
export function appRoutes(vault: Vault, closing: AbortSignal) {
  const app = new Hono<Env>();
  const { access, config } = vault;
  // Asking costs the owner attention: one address may ask this often (per process).
  const asking = failureThrottle({ limit: 60, windowMs: 60_000 });
  const tooMany = (c: Context<Env>): number | undefined => {
    const who = c.get('address');
    const wait = asking.blocked(who);
    if (wait === undefined) asking.fail(who);
    return wait;
  };

  app.post('/authorize', async (c) => {
    const wait = tooMany(c);
    if (wait !== undefined) {
      c.header('retry-after', String(wait));
      return jsonError(c, 429, 'throttled', 'Too many access requests from this address; try again later');
    }
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const parsed = parseOkapRequest(body.value, new Date());
    if (!parsed.ok) return jsonError(c, 400, parsed.error.code, parsed.error.message, parsed.error.path);
    try {
      return wireAnswer(c, await access.request(parsed.request, requester(c)), config.publicUrl);
    } catch (error) {
      return accessFailure(c, error);
    }
  });

  app.get('/requests/:id', async (c) => {
    const wait = Number(c.req.query('wait') ?? '0');
    if (!Number.isFinite(wait) || wait < 0 || wait > MAX_LONG_POLL_S) {
      return jsonError(c, 400, 'invalid_request', `wait must be from 0 to ${MAX_LONG_POLL_S} seconds`, 'wait');
    }
    try {
      return wireAnswer(c, await access.wait(c.req.param('id'), wait * 1000, AbortSignal.any([c.req.raw.signal, closing])), config.publicUrl);
    } catch (error) {
      return accessFailure(c, error);
    }
  });

  // That SDK reads any non-2xx as a connection failure, so every refusal here is a 200.
  app.post('/request', async (c) => {
    if (tooMany(c) !== undefined) return sdkRefusal(c, 'throttled', 'Too many access requests from this address; try again later');
    const body = await readJson(c);
    if (!body.ok) return sdkRefusal(c, 'invalid_request', 'The body is not valid JSON');
    const sdk = sdkRequest.safeParse(body.value);
    if (!sdk.success) {
      const issue = sdk.error.issues[0];
      return sdkRefusal(c, 'invalid_request', `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`);
    }
    const s = sdk.data;
    if (!SDK_PROVIDERS.has(s.provider)) return sdkRefusal(c, 'invalid_request', `provider: this endpoint serves ${[...SDK_PROVIDERS].join(', ')}`);
    const parsed = parseOkapRequest(
      {
        provider: s.provider,
        ...(s.models && s.models.length > 0 ? { models: s.models } : {}),
        ...(s.capabilities ? { capabilities: s.capabilities } : {}),
        ...(s.limits && Object.keys(s.limits).length > 0 ? { limits: s.limits } : {}),
        ...(s.expires !== undefined ? { expires: s.expires } : {}),
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
        client: { name: s.app_name ?? 'Unnamed app', ...(s.app_url !== undefined ? { url: s.app_url } : {}) },
      },
      new Date(),
    );
    if (!parsed.ok) return sdkRefusal(c, 'invalid_request', `${parsed.error.path}: ${parsed.error.message}`);
    const request: OkapRequest = parsed.request;
    try {
      let answer = await access.request(request, requester(c));
      if (answer.status === 'pending') answer = await access.wait(answer.request.id, config.approvalWaitMs, AbortSignal.any([c.req.raw.signal, closing]));
      if (answer.status === 'granted') return c.json({ okap: '1.0', approved: true, token: sdkToken(answer.body as GrantedResponse) });
      if (answer.status === 'denied') return sdkRefusal(c, 'user_denied', 'The vault owner denied this request');
      return sdkRefusal(c, 'approval_pending', 'The vault owner has not decided yet; ask again to receive the approval');
    } catch (error) {
      if (error instanceof AccessError) return sdkRefusal(c, error.code, error.message);
      throw error;
    }
  });
  return app;
}
