/**
 * The site's identity, as the browser reports it for a runtime Port: `sender.origin`, else the origin
 * of `sender.url`. Only http(s) origins can hold grants; opaque origins (sandboxed frames, data: and
 * file: pages) are refused. Nothing a page sends is ever consulted.
 */
export function originOfSender(sender: { origin?: string; url?: string } | undefined): string | undefined {
  const candidate = sender?.origin ?? (sender?.url ? safeOrigin(sender.url) : undefined);
  if (!candidate || candidate === 'null') return undefined;
  return /^https?:\/\/[^/]+$/.test(candidate) ? candidate : undefined;
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
