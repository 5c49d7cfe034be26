import { createRevocationHub, type RevocationHub } from '../lib/proxy';
import type { Database } from './db/sql';

/** What the owner's event stream says, and what processes tell each other. Never a secret. */
export type VaultEvent =
  | { type: 'request'; id: string }
  | { type: 'decided'; id: string; status: 'granted' | 'denied' }
  | { type: 'revoked'; grant_id: string }
  /** Provider keys were added or deleted: drop opened keys. */
  | { type: 'keys' };

const CHANNEL = 'okap_events';

export interface EventBus {
  /** Tells every process (this one included, through its own LISTEN). */
  publish(event: VaultEvent): Promise<void>;
  subscribe(fn: (event: VaultEvent) => void): () => void;
  /** Resolves with the first event `match` accepts, or undefined after `ms` or when `signal` aborts. */
  next<T extends VaultEvent>(match: (e: VaultEvent) => e is T, ms: number, signal?: AbortSignal): Promise<T | undefined>;
  revocations: RevocationHub;
}

/**
 * Events across processes through PostgreSQL LISTEN/NOTIFY (PGlite has it too). A revocation
 * published by any process reaches every process's revocation hub, which cuts that grant's
 * calls in flight there.
 */
export async function eventBus(db: Database, onError: (error: unknown) => void): Promise<EventBus> {
  const subscribers = new Set<(event: VaultEvent) => void>();
  const revocations = createRevocationHub();
  await db.listen(CHANNEL, (payload) => {
    let event: VaultEvent;
    try {
      event = JSON.parse(payload) as VaultEvent;
    } catch (error) {
      onError(error);
      return;
    }
    if (event.type === 'revoked') revocations.revoke(event.grant_id);
    for (const fn of subscribers) fn(event);
  });
  const subscribe = (fn: (event: VaultEvent) => void) => {
    subscribers.add(fn);
    return () => void subscribers.delete(fn);
  };
  return {
    publish: (event) => db.notify(CHANNEL, JSON.stringify(event)),
    subscribe,
    next(match, ms, signal) {
      return new Promise((resolve) => {
        const done = (value: Parameters<typeof resolve>[0]) => {
          clearTimeout(timer);
          unsubscribe();
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        };
        const onAbort = () => done(undefined);
        const timer = setTimeout(() => done(undefined), ms);
        const unsubscribe = subscribe((e) => {
          if (match(e)) done(e);
        });
        signal?.addEventListener('abort', onAbort);
        if (signal?.aborted) done(undefined);
      });
    },
    revocations,
  };
}
