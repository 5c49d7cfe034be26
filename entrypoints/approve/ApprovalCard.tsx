import { useState } from 'react';
import { ErrorText, messageOf } from '@/components/ErrorText';
import type { Decision } from '@/lib/approvals/decision';
import type { ApprovalView } from '@/lib/approvals/view';
import { callVault } from '@/utils/vault-client';
import { siteFlags } from '@/lib/approvals/flags';
import { DetailFields } from './DetailFields';
import { Flags, SiteSays } from './SiteSays';
import { useArmed } from './useArmed';

export function ApprovalCard({ view, onKeysChanged }: { view: ApprovalView; onKeysChanged: () => void }) {
  const [details, setDetails] = useState<(Decision['details'][number] & { invalid?: boolean })[]>(() =>
    view.details.map((d) => ({ models: d.models, limits: d.limits, expires: d.expires })),
  );
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const armed = useArmed(500, view.id);
  const missingKey = view.details.some((d) => !d.hasKey);
  const invalid = details.some((d, i) => d.invalid || (d.models.length === 0 && view.details[i]!.models.length > 0));

  async function decide(approve: boolean) {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      if (approve) await callVault('approve', { id: view.id, details: details.map(({ invalid: _, ...d }) => d) });
      else await callVault('deny', { id: view.id });
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="stack" aria-label="Access request">
      <header className="stack request-origin">
        <h1 title={view.origin}>{new URL(view.origin).host}</h1>
        <p className="muted">{view.origin}</p>
        {view.clientUrlMismatch && (
          <p role="alert" className="warning">
            Careful: this site says it is {view.client.url}, but the request comes from {view.origin}.
          </p>
        )}
      </header>
      <Flags label="Warnings about this site" flags={siteFlags(view)} />
      {(view.clientNamed || view.details.some((d) => d.reason)) && (
        <SiteSays>
          {view.clientNamed && (
            <p style={{ margin: 0 }}>
              Name: <strong>{view.client.name}</strong>
              {view.client.url && <span className="muted"> ({view.client.url})</span>}
            </p>
          )}
          {view.details.map(
            (detail, index) =>
              detail.reason && (
                <p key={index} style={{ margin: 0 }}>
                  Why{view.details.length > 1 ? ` (${detail.provider})` : ''}: {detail.reason}
                </p>
              ),
          )}
        </SiteSays>
      )}
      <p>wants to use your AI keys:</p>
      {view.details.map((detail, index) => (
        <DetailFields
          key={index}
          detail={detail}
          value={details[index]!}
          onChange={(next) => setDetails((all) => all.map((d, i) => (i === index ? next : d)))}
          onKeyAdded={onKeysChanged}
        />
      ))}
      {missingKey && <p className="warning">Add a key for every provider to approve.</p>}
      {invalid && <p className="warning">Fix the marked fields, and keep at least one model, to approve.</p>}
      <div className="row sticky-actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => decide(false)}>
          Deny
        </button>
        <button type="button" disabled={busy || !armed || missingKey || invalid} onClick={() => decide(true)}>
          Approve
        </button>
      </div>
      <ErrorText error={error} />
    </article>
  );
}
