/**
 * Upstream response headers that may not be passed on as they are: the runtime's fetch has
 * already decoded the body and will frame the new one itself, and some name the key owner's
 * account, which is none of the app's business.
 */
const DROPPED = [
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'set-cookie',
  'openai-organization',
  'openai-project',
  'anthropic-organization-id',
];

export function passOnHeaders(upstream: Headers): Headers {
  const headers = new Headers(upstream);
  for (const name of DROPPED) headers.delete(name);
  return headers;
}
