import type { GrantedAuthorizationDetail, OkapClient } from '../protocol';

/** One approved request: one token, one or more granted details (one per provider). */
export interface Grant {
  id: string;
  /** The origin the browser named when the request was made. Local-mode tokens work only from it. */
  origin: string;
  client: OkapClient;
  details: GrantedAuthorizationDetail[];
  /** Hex SHA-256 of the token: how a call finds its grant without the token being stored in the clear. */
  tokenHash: string;
  createdAt: number;
  /** Epoch ms when the last detail expires. */
  expiresAt: number;
  /** Epoch ms; 0 while live. */
  revokedAt: number;
  /** Epoch ms the owner paused it; absent or 0 while it answers calls. Absent in rows before version 5. */
  pausedAt?: number;
}

/** What the proxy needs of the grant store. */
export interface GrantLookup {
  findByToken(token: string): Promise<Grant | undefined>;
}
