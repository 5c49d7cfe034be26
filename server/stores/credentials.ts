import { hashToken } from '../../lib/grants/token';
import type { Queryable } from '../db/sql';
import { newSecret } from '../secrets';

const PAIRING_TTL_MS = 10 * 60_000;

export interface DeviceSummary {
  id: string;
  name: string;
  created_at: string;
}

/**
 * Owner and device tokens and pairing codes, each stored as its SHA-256 hash. OKAP_OWNER_TOKEN,
 * when set, is checked against its hash in memory and never written.
 */
export function sqlCredentials(db: Queryable, givenOwnerToken: string | undefined, now: () => number = Date.now) {
  const givenHash = givenOwnerToken !== undefined ? hashToken(givenOwnerToken) : undefined;
  return {
    /** First start without OKAP_OWNER_TOKEN: makes the owner token and returns it (once, ever). */
    async ensureOwner(tx: Queryable): Promise<string | undefined> {
      if (givenHash) return undefined;
      const [row] = await tx.query("SELECT id FROM credentials WHERE kind = 'owner' AND revoked_at = 0 LIMIT 1");
      if (row) return undefined;
      const token = newSecret('okapo_');
      await tx.query("INSERT INTO credentials (id, kind, name, token_hash, created_at) VALUES ($1, 'owner', 'owner', $2, $3)", [
        crypto.randomUUID(),
        hashToken(token),
        now(),
      ]);
      return token;
    },
    /** Who a bearer token is: the owner, a device, or nobody. */
    async authenticate(token: string): Promise<{ kind: 'owner' | 'device'; id: string } | undefined> {
      const hash = hashToken(token);
      if (givenHash !== undefined && hash === givenHash) return { kind: 'owner', id: 'env' };
      const [row] = await db.query<{ id: string; kind: 'owner' | 'device' }>(
        'SELECT id, kind FROM credentials WHERE token_hash = $1 AND revoked_at = 0',
        [hash],
      );
      // A stored owner token is ignored once OKAP_OWNER_TOKEN names the owner.
      if (row?.kind === 'owner' && givenHash !== undefined) return undefined;
      return row ?? undefined;
    },
    async newPairingCode(): Promise<{ code: string; expires_at: string }> {
      // 10 characters from a 32-letter alphabet without look-alikes: 50 bits, typed by a person.
      const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
      const bytes = crypto.getRandomValues(new Uint8Array(10));
      const code = Array.from(bytes, (b) => alphabet[b & 31]).join('');
      const expiresAt = now() + PAIRING_TTL_MS;
      await db.query('INSERT INTO pairing_codes (code_hash, expires_at) VALUES ($1, $2)', [hashToken(code), expiresAt]);
      return { code, expires_at: new Date(expiresAt).toISOString() };
    },
    /** Spends a pairing code on a device token, or says why it cannot be spent. */
    async pair(code: string, deviceName: string): Promise<{ id: string; token: string } | { refused: 'unknown' | 'used' | 'expired' }> {
      const hash = hashToken(code.trim().toUpperCase());
      const at = now();
      const used = await db.query(
        'UPDATE pairing_codes SET used_at = $2 WHERE code_hash = $1 AND used_at = 0 AND expires_at > $2 RETURNING code_hash',
        [hash, at],
      );
      if (used.length === 0) {
        const [row] = await db.query<{ used_at: number }>('SELECT used_at FROM pairing_codes WHERE code_hash = $1', [hash]);
        return { refused: !row ? 'unknown' : row.used_at > 0 ? 'used' : 'expired' };
      }
      const token = newSecret('okapd_');
      const id = crypto.randomUUID();
      await db.query("INSERT INTO credentials (id, kind, name, token_hash, created_at) VALUES ($1, 'device', $2, $3, $4)", [
        id,
        deviceName,
        hashToken(token),
        now(),
      ]);
      return { id, token };
    },
    async devices(): Promise<DeviceSummary[]> {
      const rows = await db.query<{ id: string; name: string; created_at: number }>(
        "SELECT id, name, created_at FROM credentials WHERE kind = 'device' AND revoked_at = 0 ORDER BY created_at",
      );
      return rows.map((r) => ({ id: r.id, name: r.name, created_at: new Date(r.created_at).toISOString() }));
    },
    async revokeDevice(id: string): Promise<boolean> {
      return (
        (await db.query("UPDATE credentials SET revoked_at = $2 WHERE id = $1 AND kind = 'device' AND revoked_at = 0 RETURNING id", [id, now()]))
          .length > 0
      );
    },
  };
}
export type SqlCredentials = ReturnType<typeof sqlCredentials>;
