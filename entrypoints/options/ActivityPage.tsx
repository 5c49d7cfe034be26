import { useEffect, useState } from 'react';
import type { UsageAnomaly, UsageRow } from '@/lib/usage/types';
import { callVault } from '@/utils/vault-client';
import { ProxyHealthNotice } from './ProxyHealthNotice';

const usd = (value: number | undefined) => (value === undefined ? '—' : `$${value < 0.01 && value > 0 ? value.toFixed(5) : value.toFixed(4)}`);
const time = (ms: number) => new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Billing anomalies, in words (never colour alone). */
const ANOMALY: Readonly<Record<UsageAnomaly, string>> = {
  no_final_usage: 'Anomaly: the provider reported no final usage; billed at the amount reserved',
  over_reservation: 'Anomaly: cost more than was reserved for it',
};

/** Spend per site over the rows shown, most expensive first. */
function totals(rows: UsageRow[]): [string, number, number][] {
  const byOrigin = new Map<string, [number, number]>();
  for (const row of rows) {
    const [calls, cost] = byOrigin.get(row.origin) ?? [0, 0];
    byOrigin.set(row.origin, [calls + 1, cost + (row.costUsd ?? 0)]);
  }
  return [...byOrigin].map(([origin, [calls, cost]]): [string, number, number] => [origin, calls, cost]).sort((a, b) => b[2] - a[2]);
}

export function ActivityPage() {
  const [rows, setRows] = useState<UsageRow[]>();
  useEffect(() => {
    void callVault('recentUsage', { limit: 500 }).then(setRows);
  }, []);

  if (!rows) return <section aria-busy="true" />;
  return (
    <section className="stack">
      <h2>Activity</h2>
      <ProxyHealthNotice />
      {rows.length === 0 && <p>No calls yet. Every call an app makes through the vault is listed here with its cost.</p>}
      {rows.length > 0 && (
        <>
          <table aria-label="Spend by app">
            <thead>
              <tr>
                <th scope="col">App</th>
                <th scope="col">Calls</th>
                <th scope="col">Spend</th>
              </tr>
            </thead>
            <tbody>
              {totals(rows).map(([origin, calls, cost]) => (
                <tr key={origin}>
                  <td>{origin}</td>
                  <td>{calls}</td>
                  <td>{usd(cost)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label="Recent calls" className="activity">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">App</th>
                <th scope="col">Model</th>
                <th scope="col">Status</th>
                <th scope="col">Tokens in / out</th>
                <th scope="col">Cost</th>
                <th scope="col">Latency</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{time(row.time)}</td>
                  <td title={row.origin}>{new URL(row.origin).host}</td>
                  <td title={`${row.provider} ${row.endpoint}`}>{row.model ?? row.endpoint}</td>
                  <td>
                    {row.status}
                    {row.anomaly && (
                      <>
                        {' '}
                        <strong className="anomaly">{ANOMALY[row.anomaly] ?? `Anomaly: ${row.anomaly}`}</strong>
                      </>
                    )}
                  </td>
                  <td>
                    {row.inputTokens} / {row.outputTokens}
                  </td>
                  <td>{usd(row.costUsd)}</td>
                  <td>{row.latencyMs === undefined ? '—' : `${Math.round(row.latencyMs)} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
