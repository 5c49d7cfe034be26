import type { CounterBatch, CounterStore } from '../limits/types';
import type { VaultDb } from './schema';

/**
 * The limit ledger's counters, open reservations and the usage rows of admitted calls in
 * IndexedDB. Each batch is one transaction over the three tables: all of it lands, or none
 * (a quota error or a closing database aborts the whole transaction and the ledger refuses).
 */
export function dexieCounterStore(db: VaultDb): CounterStore {
  return {
    load: (grantId, provider) => db.counters.get([grantId, provider]),
    listReservations: () => db.reservations.toArray(),
    listStates: () => db.counters.toArray(),
    async commit(batch: CounterBatch) {
      await db.transaction('rw', db.counters, db.reservations, db.usage, async () => {
        if (batch.states.length) await db.counters.bulkPut(batch.states);
        if (batch.putReservations.length) await db.reservations.bulkPut(batch.putReservations);
        if (batch.deleteReservations.length) await db.reservations.bulkDelete(batch.deleteReservations);
        if (batch.rows.length) await db.usage.bulkPut(batch.rows);
        if (batch.deleteRows.length) await db.usage.bulkDelete(batch.deleteRows);
      });
    },
  };
}
