import type { GrantedResponse, OkapClient, OkapRequest } from '../../lib/protocol';
import type { Database, Queryable } from '../db/sql';
import type { NewGrant, SqlGrantStore } from './grants';

export type RequestStatus = 'pending' | 'granted' | 'denied';

export interface AccessRequest {
  id: string;
  /** A browser origin (origin_bound) or a label for a non-browser client. */
  origin: string;
  originBound: boolean;
  /** Who asked and what, hashed: an identical request from the same client has the same key. */
  clientKey: string;
  request: OkapRequest;
  status: RequestStatus;
  grantId: string | null;
  createdAt: number;
  decidedAt: number;
}

interface Row {
  id: string;
  origin: string;
  origin_bound: boolean;
  client_key: string;
  request: OkapRequest;
  status: RequestStatus;
  grant_id: string | null;
  created_at: number;
  decided_at: number;
}

const toRequest = (r: Row): AccessRequest => ({
  id: r.id,
  origin: r.origin,
  originBound: r.origin_bound,
  clientKey: r.client_key,
  request: r.request,
  status: r.status,
  grantId: r.grant_id,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

/** How long an approval waits for a client that stopped waiting to ask again. */
export const UNCLAIMED_APPROVAL_MS = 10 * 60_000;
/** A request nobody decided is dropped after this. */
export const PENDING_TTL_MS = 60 * 60_000;

export const clientOf = (r: AccessRequest): OkapClient => r.request.client ?? { name: r.origin };

/**
 * Access requests waiting for the owner, and their outcome, in SQL so that the process the
 * owner talks to and the process holding the app's request open can be different ones.
 * Deciding is a conditional UPDATE: a request is approved or denied once, by one caller.
 */
export function sqlRequestStore(db: Database, grants: SqlGrantStore, now: () => number = Date.now) {
  const cols = 'id, origin, origin_bound, client_key, request, status, grant_id, created_at, decided_at';
  return {
    async create(r: Pick<AccessRequest, 'origin' | 'originBound' | 'clientKey' | 'request'>): Promise<AccessRequest> {
      const id = crypto.randomUUID();
      const at = now();
      await db.query(`INSERT INTO access_requests (${cols}) VALUES ($1, $2, $3, $4, $5, 'pending', NULL, $6, 0)`, [
        id,
        r.origin,
        r.originBound,
        r.clientKey,
        JSON.stringify(r.request),
        at,
      ]);
      return { ...r, id, status: 'pending', grantId: null, createdAt: at, decidedAt: 0 };
    },
    async get(id: string): Promise<AccessRequest | undefined> {
      const [row] = await db.query<Row>(`SELECT ${cols} FROM access_requests WHERE id = $1`, [id]);
      return row ? toRequest(row) : undefined;
    },
    async pending(): Promise<AccessRequest[]> {
      const rows = await db.query<Row>(`SELECT ${cols} FROM access_requests WHERE status = 'pending' AND created_at > $1 ORDER BY created_at`, [
        now() - PENDING_TTL_MS,
      ]);
      return rows.map(toRequest);
    },
    /** The same client's identical request still pending, or approved and not yet delivered (10 min). */
    async sameAs(clientKey: string): Promise<AccessRequest | undefined> {
      const [row] = await db.query<Row>(
        `SELECT r.id, r.origin, r.origin_bound, r.client_key, r.request, r.status, r.grant_id, r.created_at, r.decided_at
           FROM access_requests r LEFT JOIN grants g ON g.id = r.grant_id
          WHERE r.client_key = $1
            AND ((r.status = 'pending' AND r.created_at > $2)
              OR (r.status = 'granted' AND r.decided_at > $3 AND g.token_hash IS NULL AND g.revoked_at = 0))
          ORDER BY r.status = 'granted' DESC, r.created_at DESC LIMIT 1`,
        [clientKey, now() - PENDING_TTL_MS, now() - UNCLAIMED_APPROVAL_MS],
      );
      return row ? toRequest(row) : undefined;
    },
    /** Approves a pending request with these grant details; undefined when it is not pending. */
    async approve(id: string, grant: (r: AccessRequest) => NewGrant | Promise<NewGrant>): Promise<AccessRequest | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<Row>(`SELECT ${cols} FROM access_requests WHERE id = $1 AND status = 'pending' FOR UPDATE`, [id]);
        if (!row) return undefined;
        const grantId = await grants.create(tx, await grant(toRequest(row)));
        const [done] = await tx.query<Row>(
          `UPDATE access_requests SET status = 'granted', grant_id = $2, decided_at = $3 WHERE id = $1 RETURNING ${cols}`,
          [id, grantId, now()],
        );
        return done ? toRequest(done) : undefined;
      });
    },
    async deny(id: string): Promise<AccessRequest | undefined> {
      const [row] = await db.query<Row>(
        `UPDATE access_requests SET status = 'denied', decided_at = $2 WHERE id = $1 AND status = 'pending' RETURNING ${cols}`,
        [id, now()],
      );
      return row ? toRequest(row) : undefined;
    },
    /** Hands the app its token, once: the first caller gets it, later ones undefined. */
    async deliver(r: AccessRequest): Promise<GrantedResponse | undefined> {
      if (r.status !== 'granted' || !r.grantId) return undefined;
      const grantId = r.grantId;
      return db.transaction((tx: Queryable) => grants.deliver(tx, grantId));
    },
  };
}
export type SqlRequestStore = ReturnType<typeof sqlRequestStore>;
