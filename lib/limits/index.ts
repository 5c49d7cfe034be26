export type {
  AdmitRequest,
  AdmitResult,
  CounterBatch,
  CounterSnapshot,
  CounterState,
  CounterStore,
  LimitLedger,
  Reservation,
  ReservationLabel,
} from './types';
export { createLimitLedger, type LedgerOptions } from './ledger';
export { memoryCounterStore, type MemoryCounterStore, type StoreStats } from './memory-store';
export { periodsOf, secondsUntilNextDay, isTimeZone, type CalendarPeriods } from './calendar';
