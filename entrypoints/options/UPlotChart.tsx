import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A uPlot chart in React: drawn once per data change, resized with its box. Decorative for screen readers: each chart has a table beside it. */
export function UPlotChart({ options, data }: { options: Omit<uPlot.Options, 'width'>; data: uPlot.AlignedData }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot({ ...options, width: el.clientWidth || 600 }, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: el.clientWidth || 600, height: options.height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [options, data]);
  return <div ref={box} aria-hidden="true" className="chart" />;
}
