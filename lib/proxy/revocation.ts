import type { RevocationSource } from './deps';

export interface RevocationHub extends RevocationSource {
  /** Cuts every call of the grant in flight and stops the ones about to be forwarded. */
  revoke(grantId: string): void;
}

/**
 * In-memory revocation signals. Revoked ids are remembered for the life of the hub, so a call
 * that looked its grant up just before the revocation (and saw it live) still gets an aborted
 * signal. The background worker calls `revoke` when the user revokes; after a restart the
 * grant store's `revokedAt` is what refuses the token.
 */
export function createRevocationHub(): RevocationHub {
  const controllers = new Map<string, AbortController>();
  const revoked = new Set<string>();
  const reason = (): Error => Object.assign(new Error('The OKAP token was revoked'), { name: 'AbortError', code: 'token_revoked' });
  return {
    signal(grantId) {
      if (revoked.has(grantId)) return AbortSignal.abort(reason());
      let controller = controllers.get(grantId);
      if (!controller) {
        controller = new AbortController();
        controllers.set(grantId, controller);
      }
      return controller.signal;
    },
    revoke(grantId) {
      revoked.add(grantId);
      controllers.get(grantId)?.abort(reason());
      controllers.delete(grantId);
    },
  };
}
