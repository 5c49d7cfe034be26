/**
 * TEMPORARY BRIDGE to today's synchronous LimitLedger (`prepare`, then a synchronous `admit`),
 * which an SQL ledger cannot honour across processes: its admission is a transaction, so it is
 * asynchronous. The durability work (issue 13) makes `admit` and `settle` async in
 * lib/limits/types.ts; once that lands, the server hands `sqlLedger` to the proxy directly and
 * this file goes away.
 *
 * Until then, per call: `admit` starts the SQL admission and answers "admitted" provisionally;
 * the call's `fetch` (the only way anything reaches the provider) waits for the SQL answer
 * first and refuses to send when it was a refusal, so nothing is forwarded unadmitted. The
 * server then turns that call's answer into the refusal the SQL ledger gave (`refusal`).
 */
import type { AdmitResult, LimitLedger, Reservation } from '../../lib/limits';
import type { UsageRow } from '../../lib/usage/types';
import type { SqlLedger } from './sql-ledger';

export class AdmissionRefused extends Error {
  constructor(readonly result: Exclude<AdmitResult, { ok: true }> | { ok: false; kind: 'storage_failed' }) {
    super('The call was not admitted');
  }
}

export interface CallLedger {
  ledger: LimitLedger;
  /** Resolves when the admission is decided; rejects with AdmissionRefused when refused. */
  admitted(): Promise<void>;
  /** The refusal, once known. */
  refusal(): AdmissionRefused | undefined;
  /**
   * The call's usage row, which lib/proxy writes right after settling: taken here (true) once the
   * call is settling, so the settlement and the row land in one statement; a call that was not
   * admitted has its row written through `writeRow` instead.
   */
  takeRow(row: UsageRow): boolean;
  /**
   * Resolves when this call's settlement is committed, whenever it comes (a stream settles when
   * it ends); at once for a call that was never admitted (it is never settled).
   */
  settled(): Promise<void>;
}

export function callLedger(sql: SqlLedger, onError: (error: unknown) => void, writeRow: (row: UsageRow) => Promise<void>): CallLedger {
  let settling = false;
  let row: UsageRow | undefined;
  let admission: Promise<AdmitResult> | undefined;
  let refused: AdmissionRefused | undefined;
  let settlement: Promise<void> = Promise.resolve();
  let markSettled: () => void = () => undefined;
  const settledOnce = new Promise<void>((resolve) => {
    markSettled = resolve;
  });
  const decided = async (): Promise<Reservation | undefined> => {
    if (!admission) return undefined;
    const result = await admission;
    return result.ok ? result.reservation : undefined;
  };
  const ledger: LimitLedger = {
    prepare: async () => undefined,
    admit(request) {
      const id = crypto.randomUUID();
      admission = sql.admit(request, id).then(
        (result) => {
          if (!result.ok) refused = new AdmissionRefused(result);
          return result;
        },
        (error: unknown) => {
          onError(error);
          // A storage failure is a refusal: no row, no call.
          refused = new AdmissionRefused({ ok: false, kind: 'storage_failed' });
          return { ok: false, kind: 'budget_exhausted' } as const;
        },
      );
      const provisional: Reservation = {
        id,
        grantId: request.grantId,
        provider: request.provider,
        amountUsd: request.estimateUsd ?? 0,
        day: '',
        month: '',
        createdAt: request.now,
        ...(request.label ? { label: request.label } : {}),
      };
      return { ok: true, reservation: provisional };
    },
    settle(_reservation, actualUsd, now) {
      settling = true;
      // By the time the admission is decided (a later tick), lib/proxy has handed over the row.
      settlement = decided()
        .then(async (r) => {
          if (r) await sql.settle(r, actualUsd, now, row);
          else if (row) await writeRow(row);
        })
        .then(
          () => undefined,
          (error: unknown) => onError(error),
        )
        .finally(markSettled);
      return true;
    },
    snapshot: () => undefined,
    recoverOrphans: async () => [],
    flush: () => settlement,
  };
  return {
    ledger,
    async admitted() {
      await admission;
      if (refused) throw refused;
    },
    refusal: () => refused,
    takeRow(given) {
      if (!settling || row) return false;
      row = given;
      return true;
    },
    // lib/proxy settles every admitted call exactly once.
    settled: () => (admission ? settledOnce : Promise.resolve()),
  };
}
