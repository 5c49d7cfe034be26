import { VaultDb } from '../../lib/db/schema';
import type { KdfCost } from '../../lib/vault/kdf';
import { Vault, type SessionState, type SessionStore } from '../../lib/vault/vault';

/** Cheap Argon2id for unit tests; the shipped default is measured by bench/unlock.ts. */
export const testKdf: KdfCost = { alg: 'argon2id', memoryKiB: 8 * 1024, iterations: 1, parallelism: 1 };

export function memorySession(): SessionStore & { state?: SessionState } {
  const store: SessionStore & { state?: SessionState } = {
    async get() {
      return store.state;
    },
    async set(state) {
      store.state = state;
    },
    async clear() {
      store.state = undefined;
    },
  };
  return store;
}

let counter = 0;
export function freshDb(): VaultDb {
  return new VaultDb(`test-${Date.now()}-${counter++}`);
}

export function makeVault(overrides: Partial<ConstructorParameters<typeof Vault>[0]> = {}) {
  const clock = { now: 1_700_000_000_000 };
  const db = overrides.db ?? freshDb();
  const session = overrides.session ?? memorySession();
  const vault = new Vault({ db, session, now: () => clock.now, kdfCost: testKdf, ...overrides });
  return { vault, db, session, clock };
}
