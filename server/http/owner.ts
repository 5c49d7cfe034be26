import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { AccessError, approveBody } from '../access';
import { KeyInputError, newKeyBody } from '../stores/keys';
import { ruleSchema } from '../stores/rules';
import type { Vault } from '../vault';
import { jsonError, readJson, zodError } from './errors';
import type { FailureThrottle } from './throttle';

export type Env = { Variables: { grantId?: string; address: string } };

const usageQuery = z
  .object({
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    origin: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
  })
  .strict();

const pairBody = z.object({ code: z.string().min(1).max(64), device_name: z.string().trim().min(1).max(100) }).strict();

async function parsed<T extends z.ZodType>(c: Context, schema: T): Promise<{ ok: true; value: z.infer<T> } | { ok: false; response: Response }> {
  const body = await readJson(c);
  if (!body.ok) return body;
  const result = schema.safeParse(body.value);
  return result.success ? { ok: true, value: result.data } : { ok: false, response: zodError(c, result.error) };
}

function accessError(c: Context, error: unknown): Response {
  if (error instanceof AccessError) return jsonError(c, error.status as 400, error.code, error.message);
  if (error instanceof z.ZodError) return zodError(c, error);
  throw error;
}

/** `/owner/…`: everything the owner (or a paired device) does, behind a bearer token. */
export function ownerRoutes(vault: Vault, throttle: FailureThrottle, closing: AbortSignal) {
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const who = c.get('address');
    const wait = throttle.blocked(who);
    if (wait !== undefined) {
      c.header('retry-after', String(wait));
      return jsonError(c, 429, 'throttled', 'Too many failed attempts; try again later');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const caller = match?.[1] ? await vault.credentials.authenticate(match[1]) : undefined;
    if (!caller) {
      throttle.fail(who);
      c.header('www-authenticate', 'Bearer');
      return jsonError(c, 401, 'unauthorized', 'An owner or device token is required');
    }
    await next();
  });

  app.post('/keys', async (c) => {
    const body = await parsed(c, newKeyBody);
    if (!body.ok) return body.response;
    try {
      const added = await vault.keys.add(body.value);
      // Here at once; the other processes when the event reaches them.
      vault.keys.invalidate();
      await vault.bus.publish({ type: 'keys' });
      return c.json(added, 201);
    } catch (error) {
      if (error instanceof KeyInputError) return jsonError(c, 400, 'invalid_request', error.message, error.path);
      throw error;
    }
  });
  app.get('/keys', async (c) => c.json({ keys: await vault.keys.list() }));
  app.delete('/keys/:id', async (c) => {
    if (!(await vault.keys.remove(c.req.param('id')))) return jsonError(c, 404, 'not_found', 'No such key');
    vault.keys.invalidate();
    await vault.bus.publish({ type: 'keys' });
    return c.body(null, 204);
  });

  app.get('/requests', async (c) => c.json({ requests: await vault.access.pending() }));
  app.post('/requests/:id/approve', async (c) => {
    const body = await parsed(c, approveBody);
    if (!body.ok) return body.response;
    try {
      await vault.access.approve(c.req.param('id'), body.value);
      return c.json({ status: 'granted' });
    } catch (error) {
      return accessError(c, error);
    }
  });
  app.post('/requests/:id/deny', async (c) => {
    try {
      await vault.access.deny(c.req.param('id'));
      return c.json({ status: 'denied' });
    } catch (error) {
      return accessError(c, error);
    }
  });

  app.get('/grants', async (c) =>
    c.json({
      grants: (await vault.grants.list()).map((g) => ({
        id: g.id,
        origin: g.origin,
        origin_bound: g.originBound,
        client: g.client,
        details: g.details,
        delivered: g.delivered,
        created_at: new Date(g.createdAt).toISOString(),
        revoked: g.revokedAt > 0,
      })),
    }),
  );
  app.delete('/grants/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await vault.grants.revoke(id))) return jsonError(c, 404, 'not_found', 'No live grant with that id');
    await vault.bus.publish({ type: 'revoked', grant_id: id });
    return c.body(null, 204);
  });

  /**
   * Details held by an overrun (a call settled above its reservation under a spend limit): they
   * admit no new priced call until acknowledged here or the day it was billed in ends.
   */
  app.get('/overruns', async (c) =>
    c.json({
      overruns: (await vault.ledger.overruns()).map((o) => ({
        grant_id: o.grantId,
        provider: o.provider,
        reservation_id: o.reservationId,
        reserved_usd: o.reservedUsd,
        cost_usd: o.costUsd,
        at: new Date(o.at).toISOString(),
        day: o.day,
      })),
    }),
  );
  app.post('/overruns/:grantId/:provider/ack', async (c) => {
    const { grantId, provider } = c.req.param();
    const held = (await vault.ledger.overruns()).some((o) => o.grantId === grantId && o.provider === provider);
    if (!held) return jsonError(c, 404, 'not_found', 'No overrun holds that grant and provider');
    await vault.ledger.acknowledgeOverrun(grantId, provider);
    return c.body(null, 204);
  });

  app.get('/usage', async (c) => {
    const q = usageQuery.safeParse(c.req.query());
    if (!q.success) return zodError(c, q.error);
    const { since, until, origin, limit } = q.data;
    return c.json({
      usage: await vault.usage.list({
        ...(since ? { since: Date.parse(since) } : {}),
        ...(until ? { until: Date.parse(until) } : {}),
        ...(origin ? { origin } : {}),
        limit,
      }),
    });
  });

  app.post('/rules', async (c) => {
    const body = await parsed(c, ruleSchema);
    if (!body.ok) return body.response;
    return c.json(await vault.rules.add(body.value), 201);
  });
  app.get('/rules', async (c) => c.json({ rules: await vault.rules.list() }));
  app.delete('/rules/:id', async (c) =>
    (await vault.rules.remove(c.req.param('id'))) ? c.body(null, 204) : jsonError(c, 404, 'not_found', 'No such rule'),
  );

  app.post('/pairing-codes', async (c) => c.json(await vault.credentials.newPairingCode(), 201));
  app.get('/devices', async (c) => c.json({ devices: await vault.credentials.devices() }));
  app.delete('/devices/:id', async (c) =>
    (await vault.credentials.revokeDevice(c.req.param('id'))) ? c.body(null, 204) : jsonError(c, 404, 'not_found', 'No such device'),
  );

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: string[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = vault.bus.subscribe((e) => {
        queue.push(JSON.stringify(e));
        wake?.();
      });
      const end = () => {
        unsubscribe();
        wake?.();
      };
      stream.onAbort(end);
      closing.addEventListener('abort', end);
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!stream.aborted && !stream.closed && !closing.aborted) {
        const next = queue.shift();
        if (next !== undefined) {
          const type = (JSON.parse(next) as { type: string }).type;
          await stream.writeSSE({ event: type, data: next });
          continue;
        }
        // A comment every 15 s keeps proxies from closing an idle stream.
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 15_000);
        });
        wake = undefined;
        if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
      closing.removeEventListener('abort', end);
      unsubscribe();
    }),
  );
  return app;
}

/** `POST /pair`: a pairing code for a device token (no owner token: the code is the credential). */
export function pairRoute(vault: Vault, throttle: FailureThrottle) {
  const app = new Hono<Env>();
  app.post('/', async (c) => {
    const who = c.get('address');
    const wait = throttle.blocked(who);
    if (wait !== undefined) {
      c.header('retry-after', String(wait));
      return jsonError(c, 429, 'throttled', 'Too many failed attempts; try again later');
    }
    const body = await parsed(c, pairBody);
    if (!body.ok) return body.response;
    const result = await vault.credentials.pair(body.value.code, body.value.device_name);
    if ('refused' in result) {
      throttle.fail(who);
      const message = { unknown: 'Unknown pairing code', used: 'This pairing code was already used', expired: 'This pairing code has expired' }[result.refused];
      return jsonError(c, 400, `code_${result.refused}`, message, 'code');
    }
    return c.json({ device_id: result.id, token: result.token }, 201);
  });
  return app;
}
