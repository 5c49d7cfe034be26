import type { VaultStatus } from '@/lib/vault/vault';
import { AutoLockSetting } from './AutoLockSetting';
import { BackupExport } from './BackupExport';
import { BackupImport } from './BackupImport';
import { ChangePassphrase } from './ChangePassphrase';
import { ResetVault } from './ResetVault';

export function SettingsPage({ status, onStatus }: { status: VaultStatus; onStatus: (status: VaultStatus) => void }) {
  return (
    <section className="stack">
      <h2>Settings</h2>
      <AutoLockSetting minutes={status.autoLockMinutes} onSaved={(autoLockMinutes) => onStatus({ ...status, autoLockMinutes })} />
      <ChangePassphrase />
      <BackupExport />
      <BackupImport />
      <ResetVault onReset={onStatus} />
    </section>
  );
}
