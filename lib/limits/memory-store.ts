import type { UsageRow } from '../usage/types';
import type { CounterBatch, CounterState, CounterStore, Reservation } from './types';

/** Counts of what the ledger asked of its store: tests assert work, not time. */
export interface StoreStats {
  loads: number;
  lists: number;
  commits: number;
  statesWritten: number;
  reservationsPut: number;
  reservationsDeleted: number;
  rowsWritten: number;
}

export interface MemoryCounterStore extends CounterStore {
  readonly stats: StoreStats;
  readonly states: ReadonlyMap<string, CounterState>;
  readonly reservations: ReadonlyMap<string, Reservation>;
  /** Usage rows by id, as committed. */
  readonly rows: ReadonlyMap<string, UsageRow>;
}

const copy = (s: CounterState): CounterState => ({ ...s, recent: [...s.recent], ...(s.overrun ? { overrun: { ...s.overrun } } : {}) });

/**
 * A CounterStore in memory, copying on the way in and out as a database would. `onRow` sees
 * each committed row (the test kit shows them in its usage sink, as the Activity page would).
 */
export function memoryCounterStore(options: { onRow?: (row: UsageRow) => void } = {}): MemoryCounterStore {
  const states = new Map<string, CounterState>();
  const reservations = new Map<string, Reservation>();
  const rows = new Map<string, UsageRow>();
  const stats: StoreStats = { loads: 0, lists: 0, commits: 0, statesWritten: 0, reservationsPut: 0, reservationsDeleted: 0, rowsWritten: 0 };
  const keyOf = (grantId: string, provider: string): string => `${grantId}\n${provider}`;
  return {
    stats,
    states,
    reservations,
    rows,
    async load(grantId, provider) {
      stats.loads++;
      const state = states.get(keyOf(grantId, provider));
      return state ? copy(state) : undefined;
    },
    async listReservations() {
      stats.lists++;
      return [...reservations.values()].map((r) => ({ ...r }));
    },
    async listStates() {
      stats.lists++;
      return [...states.values()].map(copy);
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
      for (const row of batch.rows) {
        rows.set(row.id, { ...row });
        stats.rowsWritten++;
        options.onRow?.({ ...row });
      }
      for (const id of batch.deleteRows) rows.delete(id);
    },
  };
}
