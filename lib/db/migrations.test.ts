import Dexie from 'dexie';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySession, testKdf } from '../../test/support/vault-fixtures';
import { GrantStore } from '../grants/store';
import { createLimitLedger } from '../limits/ledger';
import type { CounterState, Reservation } from '../limits/types';
import { recoverInterruptedCalls } from '../proxy/recover';
import type { UsageRow } from '../usage/types';
import { KeyStore } from '../vault/keys';
import { Vault } from '../vault/vault';
import { dexieCounterStore } from './counter-store';
import { fromJson } from './fixtures/bytes-json';
import { TABLES_BY_VERSION, type Fixture } from './fixtures/versions';
import { VaultDb } from './schema';

const load = (version: number) => fromJson(readFileSync(join(import.meta.dirname, 'fixtures', `v${version}.json`), 'utf8')) as Fixture;
const byId = (rows: unknown[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** A database exactly as the version wrote it: its own declarations, its fixture's rows. */
async function writtenBy(version: number, fixture: Fixture): Promise<string> {
  const name = `migrate-v${version}-${Math.random()}`;
  const old = new Dexie(name);
  TABLES_BY_VERSION[version]!.stores.forEach((stores, i) => old.version(i + 1).stores(stores));
  await old.open();
  for (const [table, rows] of Object.entries(fixture.tables)) await old.table(table).bulkAdd(rows);
  old.close();
  return name;
}

const versions = Object.keys(TABLES_BY_VERSION).map(Number);

describe('migrations from every shipped schema', () => {
  it('has a fixture for every version, the current one included', () => {
    expect(versions).toEqual([1, 2, 3, 4, 5]);
    expect(new VaultDb('probe').verno).toBe(Math.max(...versions));
  });

  it.each(versions)('opens a database written by version %i and keeps every row, key, token and count', async (version) => {
    const fixture = load(version);
    const db = new VaultDb(await writtenBy(version, fixture));
    await db.open();
    expect(db.verno).toBe(5);

    // Nothing lost, nothing changed: every table holds exactly its rows, bytes included.
    for (const [table, rows] of Object.entries(fixture.tables)) expect(byId(await db.table(table).toArray()), table).toEqual(byId(rows));
    for (const table of ['grants', 'usage', 'counters', 'reservations'].filter((t) => !(t in fixture.tables))) expect(await db.table(table).count()).toBe(0);

    // Still a working vault: the passphrase opens it, every sealed key and token opens to what was sealed.
    const vault = new Vault({ db, session: memorySession(), kdfCost: testKdf });
    await vault.unlock(fixture.passphrase);
    expect((await vault.settings()).autoLockMinutes).toBe(12);
    const keys = new KeyStore(db, () => vault.requireKey());
    for (const [id, secret] of Object.entries(fixture.secrets)) expect((await keys.reveal(id)).secret).toBe(secret);
    expect((await keys.defaultFor('openai'))?.label).toBe('Work');
    const grants = new GrantStore(db, () => vault.requireKey());
    for (const [id, token] of Object.entries(fixture.tokens)) {
      expect((await grants.findByToken(token))?.id).toBe(id);
      expect(await grants.tokenOf(id)).toBe(token);
    }

    // The new index answers for old rows too.
    const usage = (fixture.tables.usage ?? []) as UsageRow[];
    expect(await db.usage.where('status').equals('interrupted').count()).toBe(usage.filter((r) => r.status === 'interrupted').length);
    // Version 5's compound indexes answer for old rows: a grant's calls and an origin's, newest first.
    for (const grantId of new Set(usage.map((r) => r.grantId))) {
      const newest = await db.usage.where('[grantId+time]').between([grantId, Dexie.minKey], [grantId, Dexie.maxKey]).last();
      expect(newest?.time).toBe(Math.max(...usage.filter((r) => r.grantId === grantId).map((r) => r.time)));
    }
    const origin = usage[0]?.origin;
    if (origin) expect(await db.usage.where('[origin+time]').between([origin, 0], [origin, Infinity]).count()).toBe(usage.filter((r) => r.origin === origin).length);
    // A grant paused under version 5 is still paused; older grants are not.
    const paused = ((fixture.tables.grants ?? []) as { id: string; pausedAt?: number }[]).filter((g) => g.pausedAt);
    expect(paused.length).toBe(version >= 5 ? 1 : 0);
    for (const g of paused) expect((await db.grants.get(g.id))?.pausedAt).toBe(g.pausedAt);

    // A reservation left by a worker of that version is billed once on the next start, its row kept or made.
    const held = (fixture.tables.reservations ?? []) as Reservation[];
    const before = new Map(((fixture.tables.counters ?? []) as CounterState[]).map((c) => [c.grantId + c.provider, c]));
    const ledger = createLimitLedger({ store: dexieCounterStore(db), timeZone: 'Europe/Paris', now: () => Date.parse('2026-03-10T12:00:00Z') });
    expect(await recoverInterruptedCalls({ limits: ledger })).toBe(held.length);
    expect(await db.reservations.count()).toBe(0);
    for (const r of held) {
      expect(await db.usage.get(r.id)).toMatchObject({ status: 'interrupted', costUsd: r.amountUsd, grantId: r.grantId, model: r.label?.model });
      const after = await db.counters.get([r.grantId, r.provider]);
      const was = before.get(r.grantId + r.provider)!;
      const sameGrant = held.filter((h) => h.grantId === r.grantId).reduce((sum, h) => sum + h.amountUsd, 0);
      expect(after?.daySpentUsd).toBeCloseTo(was.daySpentUsd + sameGrant, 12);
      expect(after?.monthSpentUsd).toBeCloseTo(was.monthSpentUsd + sameGrant, 12);
      expect(after?.dayRequests).toBe(was.dayRequests);
    }
    expect(await db.usage.count()).toBe(usage.length + held.filter((r) => !usage.some((u) => u.id === r.id)).length);
    db.close();
  });
});
