import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { UsageFilter } from '@/lib/usage/filter';
import type { UsageRow } from '@/lib/usage/types';
import { count } from '@/utils/format';
import { callVault } from '@/utils/vault-client';
import { ActivityFilters } from './ActivityFilters';
import { ActivityRow } from './ActivityRow';
import { ProxyHealthNotice } from './ProxyHealthNotice';
import { UsageChartsView } from './UsageChartsView';

const PAGE = 200;
const CSV_CHUNK = 5000;

/** Every call, newest first, read a page at a time from the indexes and drawn only where visible. */
export function ActivityPage() {
  const [filter, setFilter] = useState<UsageFilter>({});
  const [total, setTotal] = useState<number>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [, redraw] = useState(0);
  const pages = useRef(new Map<number, UsageRow[] | 'loading'>());
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const mine = ++generation.current;
    pages.current = new Map();
    setTotal(undefined);
    // The first page is asked for beside the count, not after it: the first rows come one round trip sooner.
    pages.current.set(0, 'loading');
    void callVault('usagePage', { filter, offset: 0, limit: PAGE }).then((rows) => {
      if (mine !== generation.current) return;
      pages.current.set(0, rows);
      redraw((n) => n + 1);
    });
    callVault('usageCount', { filter }).then(
      (n) => mine === generation.current && setTotal(n),
      (f: unknown) => setError(messageOf(f)),
    );
  }, [filter]);

  const rowAt = useCallback(
    (index: number): UsageRow | undefined => {
      const page = Math.floor(index / PAGE);
      const loaded = pages.current.get(page);
      if (loaded === undefined) {
        pages.current.set(page, 'loading');
        const mine = generation.current;
        void callVault('usagePage', { filter, offset: page * PAGE, limit: PAGE }).then((rows) => {
          if (mine !== generation.current) return;
          pages.current.set(page, rows);
          redraw((n) => n + 1);
        });
        return undefined;
      }
      return loaded === 'loading' ? undefined : loaded[index % PAGE];
    },
    [filter],
  );

  const virtual = useVirtualizer({ count: total ?? 0, getScrollElement: () => scroller.current, estimateSize: () => 36, overscan: 10 });

  async function exportCsv() {
    setError(undefined);
    try {
      // Chunk by chunk into a Blob: 100,000 rows never become one string on either side.
      const parts: string[] = [];
      for (let offset = 0; ; offset += CSV_CHUNK) {
        const chunk = await callVault('usageCsvChunk', { filter, offset, limit: CSV_CHUNK });
        parts.push(chunk.text);
        if (chunk.rows < CSV_CHUNK) break;
      }
      const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: `okap-activity-${new Date().toISOString().slice(0, 10)}.csv` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <section className="stack">
      <h2>Activity</h2>
      <ProxyHealthNotice />
      {/* Asked for once the first rows are in: the charts' scan of 30 days must not delay them. */}
      {Array.isArray(pages.current.get(0)) && total !== undefined && <UsageChartsView />}
      <ActivityFilters onChange={setFilter} />
      <div className="row">
        <span role="status" data-testid="activity-count">
          {total === undefined ? 'Loading…' : `${count(total)} calls`}
        </span>
        <button type="button" className="secondary" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <ErrorText error={error} />
      {total === 0 && Object.keys(filter).length === 0 && <p>No calls yet. Every call an app makes through the vault is listed here with its cost.</p>}
      <div ref={scroller} className="activity-scroll" data-testid="activity-scroll">
        <div role="list" aria-label="Calls" style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rowAt(item.index);
            return (
              <div key={item.key} data-index={item.index} ref={virtual.measureElement} style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}>
                {row ? (
                  <ActivityRow
                    row={row}
                    open={open.has(row.id)}
                    onToggle={() =>
                      setOpen((was) => {
                        const next = new Set(was);
                        if (!next.delete(row.id)) next.add(row.id);
                        return next;
                      })
                    }
                  />
                ) : (
                  <div className="activity-row muted" role="listitem">
                    …
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
