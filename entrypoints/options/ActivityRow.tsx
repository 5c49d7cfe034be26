import type { UsageAnomaly, UsageRow } from '@/lib/usage/types';
import { count, dateTime, usd } from '@/utils/format';

/** Billing anomalies, in words (never colour alone). */
const ANOMALY: Readonly<Record<UsageAnomaly, string>> = {
  no_final_usage: 'Anomaly: the provider reported no final usage; billed at the amount reserved',
  over_reservation: 'Anomaly: cost more than was reserved for it',
};

const ms = (value: number | undefined) => (value === undefined ? '—' : `${count(Math.round(value))} ms`);
const host = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
};

/** One call: a summary line that expands to its tokens, cost and timings. */
export function ActivityRow({ row, open, onToggle }: { row: UsageRow; open: boolean; onToggle: () => void }) {
  return (
    <div className="activity-row" role="listitem">
      <button type="button" className="activity-summary" aria-expanded={open} onClick={onToggle}>
        <span>{dateTime(row.time)}</span>
        <span title={row.origin}>{host(row.origin)}</span>
        <span title={`${row.provider} ${row.endpoint}`}>{row.model ?? row.endpoint}</span>
        <span>{row.status}</span>
        <span>{row.costUsd === undefined ? '—' : usd(row.costUsd)}</span>
      </button>
      {row.anomaly && <strong className="anomaly">{ANOMALY[row.anomaly] ?? `Anomaly: ${row.anomaly}`}</strong>}
      {open && (
        <dl className="activity-detail">
          <dt>Provider</dt>
          <dd>
            {row.provider} {row.endpoint}
          </dd>
          <dt>Tokens in</dt>
          <dd>{count(row.inputTokens)}</dd>
          <dt>Tokens out</dt>
          <dd>{count(row.outputTokens)}</dd>
          <dt>Cache read / write</dt>
          <dd>
            {count(row.cacheReadTokens)} / {count(row.cacheWriteTokens)}
          </dd>
          <dt>Reasoning tokens</dt>
          <dd>{count(row.reasoningTokens)}</dd>
          <dt>Cost</dt>
          <dd>{row.costUsd === undefined ? 'not priced' : usd(row.costUsd)}</dd>
          <dt>Latency</dt>
          <dd>{ms(row.latencyMs)}</dd>
          <dt>Time to first byte</dt>
          <dd>{ms(row.ttfbMs)}</dd>
        </dl>
      )}
    </div>
  );
}
