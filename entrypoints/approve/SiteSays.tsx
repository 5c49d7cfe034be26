import type { ReactNode } from 'react';
import type { RiskFlag } from '@/lib/approvals/flags';

/**
 * Text the requesting page wrote (its name, its reasons), fenced off from the wallet's own words and
 * controls and labelled as the site's, so it cannot pass for the wallet's instructions.
 */
export function SiteSays({ children }: { children: ReactNode }) {
  return (
    <section aria-label="What the site says" style={{ border: '1px dashed var(--muted)', borderRadius: 8, padding: '6px 10px' }}>
      <p className="muted" style={{ margin: 0, fontSize: '0.8rem' }}>
        The site says (its own words, not checked by the wallet):
      </p>
      <div style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap', maxHeight: '8em', overflowY: 'auto' }}>{children}</div>
    </section>
  );
}

/** Warnings in words, each one a list item a screen reader announces; colour only repeats them. */
export function Flags({ flags, label }: { flags: RiskFlag[]; label: string }) {
  if (flags.length === 0) return null;
  return (
    <ul aria-label={label} className="stack" style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}>
      {flags.map((flag) => (
        <li key={flag.id} className="warning" data-flag={flag.id}>
          Warning: {flag.text}
        </li>
      ))}
    </ul>
  );
}
