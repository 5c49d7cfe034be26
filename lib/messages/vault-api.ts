import { z } from 'zod';
import { keyEditSchema, newKeySchema, type KeySummary } from '../vault/keys';
import { settingsPatchSchema, type Settings } from '../vault/settings';
import type { VaultStatus } from '../vault/vault';
import type { ImportChange } from '../vault/backup';
import type { SettingChange } from '../vault/settings-diff';
import type { KeyCheckResult } from '../vault/key-check';
import { decisionSchema } from '../approvals/decision';
import type { ApprovalView } from '../approvals/view';
import type { Grant } from '../grants/types';
import { grantEditSchema } from '../grants/edit';
import type { AppOverview } from '../grants/overview';
import type { UsageRow } from '../usage/types';
import { usageFilterSchema } from '../usage/filter';
import type { UsageCharts } from '../usage/charts';
import type { ProxyHealth } from '../usage/health';

const passphrase = z.string().max(1024);
const id = z.string().min(1).max(100);

/**
 * What extension pages may ask the background, with the schema each request is parsed with.
 * The background refuses every one of these from anything but an extension page.
 */
export const vaultApi = {
  status: z.undefined(),
  settings: z.undefined(),
  create: z.object({ passphrase }),
  unlock: z.object({ passphrase }),
  lock: z.undefined(),
  listKeys: z.undefined(),
  addKey: newKeySchema,
  editKey: keyEditSchema.extend({ id }),
  replaceKey: z.object({ id, secret: z.string().max(4096) }),
  deleteKey: z.object({ id }),
  setDefaultKey: z.object({ id }),
  testKey: z.object({ id }),
  updateSettings: settingsPatchSchema,
  changePassphrase: z.object({ current: passphrase, next: passphrase }),
  exportBackup: z.object({ passphrase }),
  previewImport: z.object({ text: z.string(), passphrase, mode: z.enum(['merge', 'replace']) }),
  applyImport: z.object({ planId: id }),
  resetVault: z.object({ confirm: z.literal('RESET') }),
  pendingApprovals: z.undefined(),
  showApprovals: z.undefined(),
  approve: decisionSchema,
  deny: z.object({ id }),
  listGrants: z.undefined(),
  revokeGrant: z.object({ id }),
  revokeOrigin: z.object({ origin: z.string().min(1).max(2048) }),
  pauseGrant: z.object({ id }),
  resumeGrant: z.object({ id }),
  editGrant: grantEditSchema,
  appOverview: z.undefined(),
  recentUsage: z.object({ limit: z.number().int().min(1).max(1000) }),
  proxyHealth: z.undefined(),
  acknowledgeOverrun: z.object({ grantId: id, provider: z.string().min(1).max(64) }),
  exportUsageCsv: z.undefined(),
  usagePage: z.object({ filter: usageFilterSchema, offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }),
  usageCount: z.object({ filter: usageFilterSchema }),
  usageFacets: z.undefined(),
  usageCharts: z.undefined(),
  usageCsvChunk: z.object({ filter: usageFilterSchema, offset: z.number().int().min(0), limit: z.number().int().min(1).max(10_000) }),
} as const;

export interface VaultApiResults {
  status: VaultStatus;
  settings: Settings;
  create: VaultStatus;
  unlock: VaultStatus;
  lock: VaultStatus;
  listKeys: KeySummary[];
  addKey: KeySummary;
  editKey: KeySummary;
  replaceKey: KeySummary;
  deleteKey: null;
  setDefaultKey: null;
  testKey: KeyCheckResult;
  updateSettings: Settings;
  changePassphrase: null;
  exportBackup: { fileName: string; text: string };
  previewImport: { planId: string; changes: ImportChange[]; settings: SettingChange[] };
  applyImport: null;
  resetVault: VaultStatus;
  pendingApprovals: ApprovalView[];
  showApprovals: null;
  approve: null;
  deny: null;
  listGrants: Grant[];
  revokeGrant: null;
  revokeOrigin: { revoked: number };
  pauseGrant: null;
  resumeGrant: null;
  editGrant: null;
  appOverview: AppOverview[];
  recentUsage: UsageRow[];
  proxyHealth: ProxyHealth;
  acknowledgeOverrun: null;
  exportUsageCsv: { fileName: string; text: string };
  usagePage: UsageRow[];
  usageCount: number;
  usageFacets: { origins: string[]; providers: string[]; models: string[] };
  usageCharts: UsageCharts;
  /** CSV lines of up to `limit` rows from `offset` (the header with offset 0), and how many rows they hold. */
  usageCsvChunk: { text: string; rows: number };
}

export type VaultMethod = keyof typeof vaultApi;
export type VaultParams<M extends VaultMethod> = z.input<(typeof vaultApi)[M]>;

/** The methods the approval window and the Apps page use; the rest belong to the vault itself. */
export type AccessMethod = 'pendingApprovals' | 'approve' | 'deny' | 'listGrants' | 'revokeGrant' | 'revokeOrigin' | 'pauseGrant' | 'resumeGrant' | 'editGrant' | 'appOverview';
export type UsageMethod = 'recentUsage' | 'proxyHealth' | 'acknowledgeOverrun' | 'exportUsageCsv' | 'showApprovals' | 'usagePage' | 'usageCount' | 'usageFacets' | 'usageCsvChunk' | 'usageCharts';

export type VaultHandlers<K extends VaultMethod> = { [M in K]: (params: VaultParams<M>) => Promise<VaultApiResults[M]> };
