export type { UsageRow, UsageSink, UsageStatus } from './types';
export { memoryUsageSink, type MemoryUsageSink } from './memory';
