import { hashToken, newToken } from '../../lib/grants/token';
import type { Grant, GrantLookup } from '../../lib/grants/types';
import { grantedResponse, type GrantedAuthorizationDetail, type GrantedResponse, type OkapClient } from '../../lib/protocol';
import type { Queryable } from '../db/sql';

interface GrantRow {
  id: string;
  origin: string;
  origin_bound: boolean;
  client: OkapClient;
  details: GrantedAuthorizationDetail[];
  token_hash: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number;
}

/** A grant as the server keeps it: whether its token is bound to a browser origin rides along. */
export interface ServerGrant extends Grant {
  originBound: boolean;
  /** Whether its token has been handed out (a token is made only when it is delivered). */
  delivered: boolean;
}

const toGrant = (r: GrantRow): ServerGrant => ({
  id: r.id,
  origin: r.origin,
  originBound: r.origin_bound,
  client: r.client,
  details: r.details,
  tokenHash: r.token_hash ?? '',
  delivered: r.token_hash !== null,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export interface NewGrant {
  origin: string;
  originBound: boolean;
  client: OkapClient;
  details: GrantedAuthorizationDetail[];
}

/** The proxy's GrantLookup, answering with the server's own grant fields. */
export interface ServerGrantLookup extends GrantLookup {
  findByToken(token: string): Promise<ServerGrant | undefined>;
}

const lastExpiry = (details: readonly GrantedAuthorizationDetail[]): number => Math.max(...details.map((d) => Date.parse(d.expires)));

/**
 * Grants in SQL. A token exists only as its SHA-256 hash. An approved grant gets its token when
 * it is delivered to the app, by whichever process answers the app: the first delivery sets the
 * hash (an UPDATE … WHERE token_hash IS NULL), so a token is never stored, not even sealed, and
 * never handed out twice.
 */
export function sqlGrantStore(db: Queryable, now: () => number = Date.now) {
  const cols = 'id, origin, origin_bound, client, details, token_hash, created_at, expires_at, revoked_at';
  return {
    async create(tx: Queryable, g: NewGrant): Promise<string> {
      const id = crypto.randomUUID();
      await tx.query(
        `INSERT INTO grants (id, origin, origin_bound, client, details, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)`,
        [id, g.origin, g.originBound, JSON.stringify(g.client), JSON.stringify(g.details), now(), lastExpiry(g.details)],
      );
      return id;
    },
    /** Makes the grant's token if it has none yet; undefined when already delivered or revoked. */
    async deliver(tx: Queryable, grantId: string): Promise<GrantedResponse | undefined> {
      const token = newToken();
      const [row] = await tx.query<GrantRow>(
        `UPDATE grants SET token_hash = $2 WHERE id = $1 AND token_hash IS NULL AND revoked_at = 0 RETURNING ${cols}`,
        [grantId, hashToken(token)],
      );
      return row ? grantedResponse(token, row.details) : undefined;
    },
    async get(id: string): Promise<ServerGrant | undefined> {
      const [row] = await db.query<GrantRow>(`SELECT ${cols} FROM grants WHERE id = $1`, [id]);
      return row ? toGrant(row) : undefined;
    },
    async list(): Promise<ServerGrant[]> {
      return (await db.query<GrantRow>(`SELECT ${cols} FROM grants ORDER BY created_at`)).map(toGrant);
    },
    /** Revokes a live grant; false when there is none (unknown or already revoked). */
    async revoke(id: string): Promise<boolean> {
      return (await db.query('UPDATE grants SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0 RETURNING id', [id, now()])).length > 0;
    },
    /** The proxy's GrantLookup, with the server's own fields. */
    lookup(): ServerGrantLookup {
      return {
        async findByToken(token) {
          const [row] = await db.query<GrantRow>(`SELECT ${cols} FROM grants WHERE token_hash = $1`, [hashToken(token)]);
          return row ? toGrant(row) : undefined;
        },
      };
    },
  };
}
export type SqlGrantStore = ReturnType<typeof sqlGrantStore>;
