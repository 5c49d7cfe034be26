import type { CounterBatch, CounterState, CounterStore, Reservation } from './types';

/**
 * Write-behind for the ledger: mutations are queued without waiting, and committed in
 * batches, one at a time and in order. A burst of calls costs one commit; a state written
 * many times is committed once, as it stands; a reservation settled before its put was
 * committed is never written at all.
 */
export interface WriteQueue {
  /** `state` is the live object; it is copied when its batch is taken. */
  state(key: string, state: CounterState): void;
  put(reservation: Reservation): void;
  delete(id: string): void;
  flush(): Promise<void>;
}

export function createWriteQueue(store: CounterStore, onError: (error: unknown) => void): WriteQueue {
  const states = new Map<string, CounterState>();
  const puts = new Map<string, Reservation>();
  const deletes = new Set<string>();
  let running: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;

  const pending = (): boolean => states.size > 0 || puts.size > 0 || deletes.size > 0;

  function take(): { batch: CounterBatch; live: Map<string, CounterState> } {
    const live = new Map(states);
    const batch: CounterBatch = {
      states: [...states.values()].map((s) => ({ ...s, recent: [...s.recent] })),
      putReservations: [...puts.values()],
      deleteReservations: [...deletes],
    };
    states.clear();
    puts.clear();
    deletes.clear();
    return { batch, live };
  }

  /** A failed batch goes back in the queue, under anything newer. */
  function requeue(batch: CounterBatch, live: Map<string, CounterState>): void {
    for (const [key, state] of live) if (!states.has(key)) states.set(key, state);
    for (const r of batch.putReservations) {
      if (deletes.has(r.id)) deletes.delete(r.id);
      else puts.set(r.id, r);
    }
    for (const id of batch.deleteReservations) deletes.add(id);
  }

  async function drain(): Promise<void> {
    // Let the synchronous burst that scheduled this finish first, so it shares one batch.
    await Promise.resolve();
    while (pending()) {
      const { batch, live } = take();
      try {
        await store.commit(batch);
      } catch (error) {
        requeue(batch, live);
        throw error;
      }
    }
  }

  function schedule(): void {
    if (running) return;
    running = drain()
      .then(
        () => {
          failure = undefined;
        },
        (error: unknown) => {
          failure = { error };
          onError(error);
        },
      )
      .finally(() => {
        running = undefined;
        // Writes that came after the drain's last look; a failed store waits for the next write.
        if (pending() && !failure) schedule();
      });
  }

  return {
    state(key, state) {
      states.set(key, state);
      schedule();
    },
    put(reservation) {
      puts.set(reservation.id, reservation);
      schedule();
    },
    delete(id) {
      if (!puts.delete(id)) deletes.add(id);
      schedule();
    },
    async flush() {
      // A drain that is running may have taken its batch before the latest writes.
      for (;;) {
        if (!running && pending() && !failure) schedule();
        if (!running) break;
        await running;
      }
      if (failure) {
        const { error } = failure;
        failure = undefined;
        throw error;
      }
    },
  };
}
