/** The proxy pipeline: (Request, context, deps) → Promise<Response>, for the background worker and the server alike. */
export { handle } from './handle';
export type { KeySource, ProviderKey, ProxyContext, ProxyDeps, RevocationSource } from './deps';
export { createRevocationHub, type RevocationHub } from './revocation';
export { recoverInterruptedCalls } from './recover';
export { ProxyError, errorResponse, type ProxyErrorType } from './errors';
export { CALL_OVERHEAD_TOKENS, IMAGE_TOKEN_BOUND, TOKENS_PER_BYTE, estimateCost } from './estimate';
export { MAX_METERED_JSON_BYTES } from './meter';
