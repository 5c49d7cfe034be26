import type { CounterBatch, CounterState, CounterStore, Reservation } from './types';

/** Counts of what the ledger asked of its store: tests assert work, not time. */
export interface StoreStats {
  loads: number;
  lists: number;
  commits: number;
  statesWritten: number;
  reservationsPut: number;
  reservationsDeleted: number;
}

export interface MemoryCounterStore extends CounterStore {
  readonly stats: StoreStats;
  readonly states: ReadonlyMap<string, CounterState>;
  readonly reservations: ReadonlyMap<string, Reservation>;
}

const copy = (s: CounterState): CounterState => ({ ...s, recent: [...s.recent] });

/** A CounterStore in memory, copying on the way in and out as a database would. */
export function memoryCounterStore(): MemoryCounterStore {
  const states = new Map<string, CounterState>();
  const reservations = new Map<string, Reservation>();
  const stats: StoreStats = { loads: 0, lists: 0, commits: 0, statesWritten: 0, reservationsPut: 0, reservationsDeleted: 0 };
  const keyOf = (grantId: string, provider: string): string => `${grantId}\n${provider}`;
  return {
    stats,
    states,
    reservations,
    async load(grantId, provider) {
      stats.loads++;
      const state = states.get(keyOf(grantId, provider));
      return state ? copy(state) : undefined;
    },
    async listReservations() {
      stats.lists++;
      return [...reservations.values()].map((r) => ({ ...r }));
    },
    async commit(batch: CounterBatch) {
      stats.commits++;
      for (const s of batch.states) {
        states.set(keyOf(s.grantId, s.provider), copy(s));
        stats.statesWritten++;
      }
      for (const r of batch.putReservations) {
        reservations.set(r.id, { ...r });
        stats.reservationsPut++;
      }
      for (const id of batch.deleteReservations) {
        reservations.delete(id);
        stats.reservationsDeleted++;
      }
    },
  };
}
