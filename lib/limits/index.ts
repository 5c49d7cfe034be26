export type {
  AdmitRequest,
  AdmitResult,
  CounterBatch,
  CounterSnapshot,
  CounterState,
  CounterStore,
  Overrun,
  LimitLedger,
  Reservation,
  ReservationLabel,
} from './types';
export { createLimitLedger, type ExtensionLedger, type LedgerOptions } from './ledger';
export { StorageTimeoutError } from './write-queue';
export { memoryCounterStore, type MemoryCounterStore, type StoreStats } from './memory-store';
export { periodsOf, secondsUntilNextDay, isTimeZone, type CalendarPeriods } from './calendar';
