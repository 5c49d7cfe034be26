import { useEffect, useMemo, useState } from 'react';
import uPlot from 'uplot';
import type { UsageCharts } from '@/lib/usage/charts';
import { count, usd } from '@/utils/format';
import { callVault } from '@/utils/vault-client';
import { UPlotChart } from './UPlotChart';

const COLORS = ['#4f46e5', '#0891b2', '#b45309', '#be185d', '#15803d', '#7c3aed', '#64748b'];
const bars = uPlot.paths.bars!({ size: [0.7, 40] });

/** Stacks series bottom-up: each drawn series is the sum of itself and those below, drawn back to front. */
function stacked(series: number[][]): number[][] {
  const out: number[][] = [];
  series.forEach((s, i) => out.push(s.map((v, d) => v + (i > 0 ? out[i - 1]![d]! : 0))));
  return out.reverse();
}

/** Spend per day (stacked by app), tokens by model, requests per hour today; each with its table. */
export function UsageChartsView() {
  const [charts, setCharts] = useState<UsageCharts>();
  useEffect(() => void callVault('usageCharts').then(setCharts, () => undefined), []);

  const spend = useMemo(() => {
    if (!charts) return undefined;
    const apps = charts.apps.slice(0, 6);
    const series = charts.spend.slice(0, 6);
    if (charts.apps.length > 6) {
      apps.push('Other apps');
      series.push(charts.days.map((_, d) => charts.spend.slice(6).reduce((s, a) => s + a[d]!, 0)));
    }
    const x = charts.days.map((_, i) => i);
    const drawn = stacked(series);
    const names = [...apps].reverse();
    const options: Omit<uPlot.Options, 'width'> = {
      height: 220,
      scales: { x: { time: false } },
      axes: [{ values: (_u, ticks) => ticks.map((t) => charts.days[t]?.slice(5) ?? '') }, { values: (_u, ticks) => ticks.map((t) => usd(t)) }],
      series: [{}, ...names.map((name, i) => ({ label: name, fill: COLORS[(names.length - 1 - i) % COLORS.length], stroke: COLORS[(names.length - 1 - i) % COLORS.length], paths: bars }))],
    };
    return { options, data: [x, ...drawn] as uPlot.AlignedData, apps, series };
  }, [charts]);

  const tokens = useMemo(() => {
    if (!charts) return undefined;
    const top = charts.models.slice(0, 10);
    const options: Omit<uPlot.Options, 'width'> = {
      height: 200,
      scales: { x: { time: false } },
      axes: [{ values: (_u, ticks) => ticks.map((t) => top[t]?.model ?? '') }, {}],
      series: [{}, { label: 'Tokens', fill: COLORS[1], stroke: COLORS[1], paths: bars }],
    };
    return { options, data: [top.map((_, i) => i), top.map((m) => m.input + m.output)] as uPlot.AlignedData, top };
  }, [charts]);

  const hours = useMemo(() => {
    if (!charts) return undefined;
    const options: Omit<uPlot.Options, 'width'> = {
      height: 180,
      scales: { x: { time: false } },
      series: [{}, { label: 'Requests', fill: COLORS[0], stroke: COLORS[0], paths: bars }],
    };
    return { options, data: [charts.hours.map((_, i) => i), charts.hours] as uPlot.AlignedData };
  }, [charts]);

  if (!charts || !spend || !tokens || !hours) return null;
  const total = charts.spend.flat().reduce((s, v) => s + v, 0);
  return (
    <section className="stack charts" aria-label="Charts">
      <figure>
        <figcaption>
          <h3>Spend per day, last 30 days</h3>
          <p>{`${usd(total)} in 30 days across ${count(charts.apps.length)} apps.`}</p>
        </figcaption>
        <UPlotChart options={spend.options} data={spend.data} />
        <details>
          <summary>Spend per day as a table</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {spend.apps.map((a) => (
                  <th key={a} scope="col">
                    {a}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {charts.days.map((d, i) => (
                <tr key={d}>
                  <th scope="row">{d}</th>
                  {spend.series.map((s, j) => (
                    <td key={j}>{usd(s[i]!)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figure>
      <figure>
        <figcaption>
          <h3>Tokens by model</h3>
        </figcaption>
        <UPlotChart options={tokens.options} data={tokens.data} />
        <table>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Tokens in</th>
              <th scope="col">Tokens out</th>
            </tr>
          </thead>
          <tbody>
            {tokens.top.map((m) => (
              <tr key={m.model}>
                <th scope="row">{m.model}</th>
                <td>{count(m.input)}</td>
                <td>{count(m.output)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </figure>
      <figure>
        <figcaption>
          <h3>Requests per hour today</h3>
          <p>{`${count(charts.hours.reduce((s, n) => s + n, 0))} requests today; busiest hour ${charts.hours.indexOf(Math.max(...charts.hours))}:00.`}</p>
        </figcaption>
        <UPlotChart options={hours.options} data={hours.data} />
        <details>
          <summary>Requests per hour as a table</summary>
          <table>
            <tbody>
              {charts.hours.map((n, h) => (
                <tr key={h}>
                  <th scope="row">{`${h}:00`}</th>
                  <td>{count(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figure>
    </section>
  );
}
