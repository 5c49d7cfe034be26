import type { GrantRow, VaultDb } from '../db/schema';
import { grantedResponse, type GrantedAuthorizationDetail, type GrantedResponse, type OkapClient } from '../protocol';
import { openText, sealText } from '../vault/aead';
import { hashToken, newToken } from './token';
import { editedDetail, GrantEditError, type GrantEdit } from './edit';
import type { Grant, GrantLookup } from './types';

const tokenAd = (id: string) => `grant:${id}`;

function withoutToken(row: GrantRow): Grant {
  const { token: _token, ...grant } = row;
  return grant;
}

export const isLive = (grant: Grant, now: number) => grant.revokedAt === 0 && grant.expiresAt > now;

/** Grants: issued on approval, found by token hash, revoked by the user or given up by the app. */
export class GrantStore implements GrantLookup {
  /** Grants by token hash: every proxied call looks its grant up, so it is kept off IndexedDB. */
  private readonly byHash = new Map<string, Grant>();

  constructor(
    private readonly db: VaultDb,
    private readonly dataKey: () => Uint8Array,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(origin: string, client: OkapClient, details: GrantedAuthorizationDetail[]): Promise<{ grant: Grant; response: GrantedResponse }> {
    const token = newToken();
    const id = crypto.randomUUID();
    const row: GrantRow = {
      id,
      origin,
      client,
      details,
      tokenHash: hashToken(token),
      token: sealText(this.dataKey(), tokenAd(id), token),
      createdAt: this.now(),
      expiresAt: Math.max(...details.map((d) => Date.parse(d.expires))),
      revokedAt: 0,
    };
    await this.db.grants.add(row);
    this.byHash.set(row.tokenHash, withoutToken(row));
    return { grant: withoutToken(row), response: grantedResponse(token, details) };
  }

  async findByToken(token: string): Promise<Grant | undefined> {
    const hash = hashToken(token);
    const cached = this.byHash.get(hash);
    if (cached) return cached;
    const row = await this.db.grants.where('tokenHash').equals(hash).first();
    if (!row) return undefined;
    const grant = withoutToken(row);
    this.byHash.set(hash, grant);
    return grant;
  }

  /** Drops the cache, after the database changed behind this store's back (reset, import). */
  forget(): void {
    this.byHash.clear();
  }

  /** An origin's live grants as the spec's granted responses, tokens included: they are that origin's own. */
  async responsesFor(origin: string): Promise<GrantedResponse[]> {
    const rows = await this.db.grants.where('origin').equals(origin).toArray();
    const now = this.now();
    const key = this.dataKey();
    return rows
      .filter((row) => isLive(row, now))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((row) => grantedResponse(openText(key, tokenAd(row.id), row.token), row.details));
  }

  async list(): Promise<Grant[]> {
    const rows = await this.db.grants.orderBy('id').toArray();
    return rows.map(withoutToken).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** The user revokes from the dashboard. Returns the grant so its origin's pages can be told. */
  async revoke(id: string): Promise<Grant | undefined> {
    const row = await this.db.grants.get(id);
    if (!row || row.revokedAt !== 0) return row && withoutToken(row);
    const revokedAt = this.now();
    await this.db.grants.update(id, { revokedAt });
    const revoked = { ...withoutToken(row), revokedAt };
    this.byHash.set(row.tokenHash, revoked);
    return revoked;
  }

  /**
   * Pauses or resumes a live grant. The cache by token hash is updated in the same step, so the
   * next proxied call sees the change (the proxy looks every call's grant up here).
   */
  async setPaused(id: string, paused: boolean): Promise<Grant> {
    return this.change(id, () => ({ pausedAt: paused ? this.now() : 0 }));
  }

  /** Edits one granted detail's models, limits and expiry; the next call is checked against them. */
  async edit(edit: GrantEdit): Promise<Grant> {
    return this.change(edit.grantId, (row) => {
      const index = row.details.findIndex((d) => d.provider === edit.provider);
      if (index < 0) throw new GrantEditError(`This grant does not cover ${edit.provider}.`);
      const details = row.details.map((d, i) => (i === index ? editedDetail(d, edit, this.now()) : d));
      return { details, expiresAt: Math.max(...details.map((d) => Date.parse(d.expires))) };
    });
  }

  /** One change to a live grant, written to the database and then to the cache. */
  private async change(id: string, patch: (row: GrantRow) => Partial<GrantRow>): Promise<Grant> {
    const row = await this.db.grants.get(id);
    if (!row || !isLive(row, this.now())) throw new GrantEditError('That grant is no longer live.');
    const changes = patch(row);
    await this.db.grants.update(id, changes);
    const changed = withoutToken({ ...row, ...changes });
    this.byHash.set(row.tokenHash, changed);
    return changed;
  }

  /** The token of a grant, to tell its origin's pages which token stopped working. */
  async tokenOf(id: string): Promise<string | undefined> {
    const row = await this.db.grants.get(id);
    return row && openText(this.dataKey(), tokenAd(row.id), row.token);
  }

  /** An app gives up a token. Only a token of the caller's own origin can be given up. */
  async revokeToken(origin: string, token: string): Promise<Grant | undefined> {
    const grant = await this.findByToken(token);
    if (!grant || grant.origin !== origin) return undefined;
    return this.revoke(grant.id);
  }
}
