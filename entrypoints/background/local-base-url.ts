/**
 * Local mode hands apps a reserved, never-resolving host (RFC 6761 `.invalid`): it works only through
 * `window.okap.fetch`, so an app that forgets the fetch option fails instead of sending its token anywhere.
 */
export const localBaseUrl = (provider: string) => `https://okap.invalid/v1/${provider}`;
