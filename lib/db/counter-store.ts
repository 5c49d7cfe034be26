import type { CounterBatch, CounterStore } from '../limits/types';
import type { VaultDb } from './schema';

/** The limit ledger's counters and open reservations in IndexedDB; each batch lands in one transaction. */
export function dexieCounterStore(db: VaultDb): CounterStore {
  return {
    load: (grantId, provider) => db.counters.get([grantId, provider]),
    listReservations: () => db.reservations.toArray(),
    async commit(batch: CounterBatch) {
      await db.transaction('rw', db.counters, db.reservations, async () => {
        if (batch.states.length) await db.counters.bulkPut(batch.states);
        if (batch.putReservations.length) await db.reservations.bulkPut(batch.putReservations);
        if (batch.deleteReservations.length) await db.reservations.bulkDelete(batch.deleteReservations);
      });
    },
  };
}
