import { useEffect, useState } from 'react';
import type { Settings } from '@/lib/vault/settings';
import type { VaultStatus } from '@/lib/vault/vault';
import { callVault } from '@/utils/vault-client';
import { AlertsSetting } from './AlertsSetting';
import { AutoLockSetting } from './AutoLockSetting';
import { BackupExport } from './BackupExport';
import { BackupImport } from './BackupImport';
import { ChangePassphrase } from './ChangePassphrase';
import { DefaultsSetting } from './DefaultsSetting';
import { PriceOverrides } from './PriceOverrides';
import { ResetVault } from './ResetVault';
import { RetentionSetting } from './RetentionSetting';

export function SettingsPage({ status, onStatus }: { status: VaultStatus; onStatus: (status: VaultStatus) => void }) {
  const [settings, setSettings] = useState<Settings>();
  useEffect(() => void callVault('settings').then(setSettings), []);
  return (
    <section className="stack">
      <h2>Settings</h2>
      <AutoLockSetting minutes={status.autoLockMinutes} onSaved={(autoLockMinutes) => onStatus({ ...status, autoLockMinutes })} />
      {settings && <DefaultsSetting settings={settings} onSaved={setSettings} />}
      {settings && <PriceOverrides settings={settings} onSaved={setSettings} />}
      {settings && <RetentionSetting settings={settings} onSaved={setSettings} />}
      {settings && <AlertsSetting settings={settings} onSaved={setSettings} />}
      <ChangePassphrase />
      <BackupExport />
      <BackupImport />
      <ResetVault onReset={onStatus} />
    </section>
  );
}
