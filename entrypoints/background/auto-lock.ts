import { browser } from 'wxt/browser';
import type { Vault } from '@/lib/vault/vault';

const ALARM = 'auto-lock';

/** One alarm at the auto-lock deadline; when it fires early (activity moved the deadline), it is set again. */
export function autoLock(vault: Vault) {
  async function schedule(): Promise<void> {
    const deadline = await vault.lockDeadline();
    if (deadline === undefined) await browser.alarms.clear(ALARM);
    else await browser.alarms.create(ALARM, { when: deadline });
  }

  async function onAlarm(alarm: { name: string }): Promise<void> {
    if (alarm.name !== ALARM) return;
    if (!(await vault.checkAutoLock())) await schedule();
  }
  // An alarm listener's return value is ignored; a failure here has nobody to tell but the console.
  browser.alarms.onAlarm.addListener((alarm) => void onAlarm(alarm).catch(console.error));

  return { schedule };
}
