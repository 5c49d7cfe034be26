import type { UsageRow } from '../usage/types';
import type { CounterBatch, CounterState, CounterStore, Reservation } from './types';

/** One change of the ledger, committed whole, together with whatever else is waiting. */
export interface WriteOp {
  /** Live states by detail key; copied when their batch is taken, so the newest values land. */
  states: [key: string, state: CounterState][];
  put?: Reservation;
  delete?: string;
  rows?: UsageRow[];
  /** A row to remove: the started row of an admission taken back. */
  deleteRow?: string;
  /**
   * What a failed commit does with the op. Admissions are not retried: their caller undoes them
   * in memory and refuses the call. Settlements are kept and committed with the next batch,
   * since the ledger in memory has already moved on.
   */
  retry: boolean;
}

/**
 * Group commit for the ledger. Each write waits for the commit of a batch that holds it, but
 * writes that arrive while a commit runs (concurrent calls) share the next batch: a burst of
 * calls costs one transaction per round, not one each, and no call is told "committed" early.
 * Batches run one at a time and in order, so a settlement always lands after its admission.
 */
export interface GroupCommit {
  /** Rejects with StorageTimeoutError when not committed within the commit timeout (a blocked database). */
  write(op: WriteOp): Promise<void>;
  /** Commits everything queued, including settlements a failed batch kept; rejects if the store fails. */
  flush(): Promise<void>;
}

interface Pending {
  op: WriteOp;
  resolve(): void;
  reject(error: unknown): void;
  /** Its caller was told it failed, on a timer; the commit may still land. */
  timedOut?: boolean;
}

/** A commit that did not finish in time: the database is blocked (another connection holds an upgrade) or hung. */
export class StorageTimeoutError extends Error {
  constructor(ms: number) {
    super(`The database did not commit within ${ms} ms`);
    this.name = 'StorageTimeoutError';
  }
}

export interface GroupCommitOptions {
  /** How long a write waits for its commit before its caller is told it failed. Default: no limit. */
  timeoutMs?: number;
  /**
   * Admissions whose callers were told they failed (timed out) but whose batch committed later:
   * the ledger takes them back out of the store.
   */
  onLate?: (ops: WriteOp[]) => void;
}

const copy = (s: CounterState): CounterState => ({ ...s, recent: [...s.recent], ...(s.overrun ? { overrun: { ...s.overrun } } : {}) });

function batchOf(ops: WriteOp[]): CounterBatch {
  const states = new Map<string, CounterState>();
  const rows = new Map<string, UsageRow>();
  const batch: CounterBatch = { states: [], putReservations: [], deleteReservations: [], rows: [], deleteRows: [] };
  for (const op of ops) {
    for (const [key, state] of op.states) states.set(key, state);
    if (op.put) batch.putReservations.push(op.put);
    if (op.delete) batch.deleteReservations.push(op.delete);
    // A later row of the same call replaces the earlier one.
    for (const row of op.rows ?? []) rows.set(row.id, row);
    if (op.deleteRow) {
      rows.delete(op.deleteRow);
      batch.deleteRows.push(op.deleteRow);
    }
  }
  batch.states = [...states.values()].map(copy);
  batch.rows = [...rows.values()];
  return batch;
}

const ignore = (): void => undefined;

export function createGroupCommit(store: CounterStore, onError: (error: unknown) => void, options: GroupCommitOptions = {}): GroupCommit {
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    // Let the synchronous burst that scheduled this join the first batch.
    await Promise.resolve();
    while (queue.length > 0) {
      const taken = queue;
      queue = [];
      try {
        await store.commit(batchOf(taken.map((p) => p.op)));
      } catch (error) {
        onError(error);
        // Kept ops go first, before anything newer; their callers are told now, not left waiting on a broken disk.
        queue = [...taken.filter((p) => p.op.retry).map((p) => ({ op: p.op, resolve: ignore, reject: ignore })), ...queue];
        for (const p of taken) p.reject(error);
        // Newer writes that were waiting get their own attempt; kept ones alone wait for the next write.
        if (queue.some((p) => p.resolve !== ignore)) continue;
        return;
      }
      const late = taken.filter((p) => p.timedOut && !p.op.retry).map((p) => p.op);
      for (const p of taken) p.resolve();
      if (late.length > 0) options.onLate?.(late);
    }
  }

  function schedule(): void {
    if (running) return;
    running = drain().finally(() => {
      running = undefined;
      if (queue.some((p) => p.resolve !== ignore)) schedule();
    });
  }

  function write(op: WriteOp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { timeoutMs } = options;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const pending: Pending = {
        op,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const error = new StorageTimeoutError(timeoutMs);
          onError(error);
          // Not yet taken: an admission is simply dropped; a settlement stays queued for when the database frees.
          const at = queue.indexOf(pending);
          if (at >= 0) {
            if (op.retry) queue[at] = { op, resolve: ignore, reject: ignore };
            else queue.splice(at, 1);
          } else pending.timedOut = true;
          reject(error);
        }, timeoutMs);
      }
      queue.push(pending);
      schedule();
    });
  }

  return {
    write,
    async flush() {
      if (queue.length === 0 && !running) return;
      // An empty op makes a drain that also carries any kept settlements.
      await write({ states: [], retry: false });
    },
  };
}
