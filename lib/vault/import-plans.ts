import type { BackupPayload, ImportMode } from './backup';

interface Plan {
  payload: BackupPayload;
  mode: ImportMode;
  timer: ReturnType<typeof setTimeout>;
}

/** A previewed import may be applied for this long; after that the person previews again. */
const PLAN_TTL_MS = 5 * 60_000;

/**
 * Opened backups waiting for the person to confirm their import. They hold plaintext keys, so they
 * expire on their own and the vault drops them all when it locks.
 */
export class ImportPlans {
  private readonly plans = new Map<string, Plan>();

  add(payload: BackupPayload, mode: ImportMode): string {
    const id = crypto.randomUUID();
    const timer = setTimeout(() => this.plans.delete(id), PLAN_TTL_MS);
    this.plans.set(id, { payload, mode, timer });
    return id;
  }

  /** The plan, removed: a plan is applied at most once. */
  take(id: string): { payload: BackupPayload; mode: ImportMode } | undefined {
    const plan = this.plans.get(id);
    if (!plan) return undefined;
    clearTimeout(plan.timer);
    this.plans.delete(id);
    return plan;
  }

  clear(): void {
    for (const plan of this.plans.values()) clearTimeout(plan.timer);
    this.plans.clear();
  }
}
