import { useState } from 'react';
import { SpendBar } from '@/components/SpendBar';
import type { GrantOverview } from '@/lib/grants/overview';
import { count, dateTime, day, isNever } from '@/utils/format';
import { GrantEditForm } from './GrantEditForm';

const STATUS_TEXT = { active: 'Active', paused: 'Paused', revoked: 'Revoked', expired: 'Expired' } as const;

/** One grant of an app: what it covers, what it spent, and the person's controls over it. */
export function GrantItem({ overview, act }: { overview: GrantOverview; act: (method: 'pauseGrant' | 'resumeGrant' | 'revokeGrant', id: string) => void }) {
  const { grant, status, use, lastUsedAt } = overview;
  const [editing, setEditing] = useState<string>();
  return (
    <li className="grant stack" aria-label={`${grant.client.name}: ${STATUS_TEXT[status]}`}>
      <div className="row">
        <strong>{grant.client.name}</strong>
        <span className={`status status-${status}`}>{STATUS_TEXT[status]}</span>
      </div>
      {grant.details.map((detail) => {
        const u = use.find((x) => x.provider === detail.provider);
        return (
          <div key={detail.provider} className="detail stack">
            <p className="detail-line">
              <strong>{detail.provider}</strong>: {detail.models?.length ? detail.models.join(', ') : 'any model'}
              {detail.limits?.requests_per_minute !== undefined && `; ${count(detail.limits.requests_per_minute)} req/min`}
              {detail.limits?.requests_per_day !== undefined && `; ${count(detail.limits.requests_per_day)} req/day`}
            </p>
            <SpendBar label="Today" spent={u?.daySpentUsd ?? 0} limit={detail.limits?.daily_spend} />
            <SpendBar label="This month" spent={u?.monthSpentUsd ?? 0} limit={detail.limits?.monthly_spend} />
            {editing === detail.provider ? (
              <GrantEditForm grant={grant} detail={detail} onDone={() => setEditing(undefined)} />
            ) : (
              status !== 'revoked' &&
              status !== 'expired' && (
                <button type="button" className="secondary" onClick={() => setEditing(detail.provider)}>
                  Edit {detail.provider}
                </button>
              )
            )}
          </div>
        );
      })}
      <p className="muted">
        {count(use.reduce((n, u) => n + u.requestsToday, 0))} requests today · last used {lastUsedAt ? dateTime(lastUsedAt) : 'never'} · expires{' '}
        {isNever(grant.expiresAt) ? 'never' : day(grant.expiresAt)}
      </p>
      <div className="row">
        {status === 'active' && (
          <button type="button" className="secondary" onClick={() => act('pauseGrant', grant.id)}>
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button type="button" onClick={() => act('resumeGrant', grant.id)}>
            Resume
          </button>
        )}
        <button type="button" className="danger" onClick={() => act('revokeGrant', grant.id)}>
          Revoke
        </button>
      </div>
    </li>
  );
}
