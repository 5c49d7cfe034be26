import { usd } from '@/utils/format';

/**
 * Spend against a limit as a bar (a `meter`, so screen readers read the value), with the numbers
 * in words beside it. Without a limit there is nothing to fill: only the amount is shown.
 */
export function SpendBar({ label, spent, limit }: { label: string; spent: number; limit?: number }) {
  const text = limit === undefined ? `${usd(spent)} (no limit)` : `${usd(spent)} of ${usd(limit)}`;
  return (
    <div className="spend-bar">
      <span className="spend-label">{label}</span>
      {limit !== undefined && <meter aria-label={`${label}: ${text}`} min={0} max={limit} low={limit * 0.8} high={limit * 0.99} optimum={0} value={Math.min(spent, limit)} />}
      <span className="spend-text">{text}</span>
    </div>
  );
}
