import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { appRoutes } from './http/apps';
import { jsonError } from './http/errors';
import { ownerRoutes, pairRoute, type Env } from './http/owner';
import { proxyHandler } from './http/proxy';
import { failureThrottle } from './http/throttle';
import { describe, type Vault } from './vault';

/**
 * A pending request's id is what its poll hands the token to, so it is a secret until then: the
 * log names the route, not the id.
 */
const loggedPath = (path: string): string => path.replace(/^\/okap\/requests\/[^/]+/, '/okap/requests/:id');

/** Bodies of the owner API and the app endpoints; the proxy caps its own (lib/proxy/body.ts). */
const MAX_JSON_BYTES = 64 * 1024;

/**
 * The HTTP surface. One log line per request: method, path (never the query, where Gemini
 * clients put the token), status, latency, grant id. No header, body or query is logged.
 */
export function buildApp(vault: Vault, options: { track: (p: Promise<void>) => void; closing: AbortSignal }) {
  const app = new Hono<Env>();
  const throttle = failureThrottle();

  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('address', getConnInfo(c).remote.address ?? 'unknown');
    await next();
    vault.log.info({
      method: c.req.method,
      path: loggedPath(new URL(c.req.url).pathname),
      status: c.res.status,
      latency_ms: Math.round((performance.now() - started) * 10) / 10,
      ...(c.get('grantId') ? { grant_id: c.get('grantId') } : {}),
    });
  });
  const capped = bodyLimit({ maxSize: MAX_JSON_BYTES, onError: (c) => jsonError(c, 413, 'body_too_large', `The body is over ${MAX_JSON_BYTES} bytes`) });

  app.get('/healthz', (c) => c.json({ ok: true, database: vault.db.kind }));

  app.use('/okap/*', cors({ origin: '*', maxAge: 600 }), capped);
  app.route('/okap', appRoutes(vault, options.closing));

  app.use('/pair', capped);
  app.route('/pair', pairRoute(vault, throttle));
  app.use('/owner/*', capped);
  app.route('/owner', ownerRoutes(vault, throttle, options.closing));

  app.use(
    '/v1/*',
    cors({
      origin: '*',
      exposeHeaders: ['retry-after', 'x-should-retry', 'x-request-id', 'request-id', 'openai-processing-ms'],
      maxAge: 600,
    }),
  );
  app.all('/v1/*', proxyHandler(vault, options.track));

  app.notFound((c) => jsonError(c, 404, 'not_found', 'No such endpoint'));
  app.onError((error, c) => {
    vault.onError(error);
    vault.log.error({ err: describe(error), path: new URL(c.req.url).pathname }, 'request failed');
    return jsonError(c, 500, 'internal_error', 'The vault failed to handle this request');
  });
  return app;
}
