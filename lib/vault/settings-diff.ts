import type { Limits } from '../protocol';
import type { Settings } from './settings';

/** One setting an import would change, in words, with a warning where the change weakens a protection. */
export interface SettingChange {
  setting: string;
  from: string;
  to: string;
  warning?: string;
}

type PriceOverride = Settings['priceOverrides'][number];

const limitNames: Record<keyof Limits, string> = {
  monthly_spend: 'monthly spend $',
  daily_spend: 'daily spend $',
  requests_per_minute: 'requests/min',
  requests_per_day: 'requests/day',
};

function limitsText(limits: Limits): string {
  const parts = (Object.keys(limitNames) as (keyof Limits)[]).filter((k) => limits[k] !== undefined).map((k) => `${limitNames[k]}${limits[k]}`);
  return parts.length > 0 ? parts.join(', ') : 'no limits';
}

const priceText = (p: PriceOverride) => `${p.provider}/${p.model}: $${p.inputPerMTok} in, $${p.outputPerMTok} out per M tokens`;

/** A price of zero makes every call to the models it covers free as far as spend limits know. */
function zeroPriceWarning(p: PriceOverride): string | undefined {
  if (p.inputPerMTok > 0 || p.outputPerMTok > 0) return undefined;
  return p.model === '*'
    ? `Every ${p.provider} model would cost $0: spend limits would never stop a call.`
    : `${p.model} would cost $0: spend limits would never stop calls to it.`;
}

/**
 * What replacing the settings with a backup's would change, for the person to read before importing.
 * Nothing is hidden: a backup from someone else can carry a price override that disables spend limits.
 */
export function settingsChanges(current: Settings, incoming: Settings): SettingChange[] {
  const changes: SettingChange[] = [];
  const loosened = (a: number, b: number) => b > a;
  if (current.autoLockMinutes !== incoming.autoLockMinutes) {
    changes.push({
      setting: 'Auto-lock',
      from: `${current.autoLockMinutes} min`,
      to: `${incoming.autoLockMinutes} min`,
      warning: loosened(current.autoLockMinutes, incoming.autoLockMinutes) ? 'The vault would stay unlocked longer.' : undefined,
    });
  }
  const [limitsFrom, limitsTo] = [limitsText(current.defaultLimits), limitsText(incoming.defaultLimits)];
  if (limitsFrom !== limitsTo) {
    const noSpend = incoming.defaultLimits.monthly_spend === undefined && incoming.defaultLimits.daily_spend === undefined;
    changes.push({ setting: 'Default limits for new apps', from: limitsFrom, to: limitsTo, warning: noSpend ? 'New apps would get no spend limit by default.' : undefined });
  }
  if (current.defaultExpiryDays !== incoming.defaultExpiryDays) {
    changes.push({ setting: 'Default expiry', from: `${current.defaultExpiryDays} days`, to: `${incoming.defaultExpiryDays} days` });
  }
  if (current.timeZone !== incoming.timeZone) {
    changes.push({ setting: 'Time zone', from: current.timeZone || 'this browser’s', to: incoming.timeZone || 'this browser’s' });
  }
  const before = new Set(current.priceOverrides.map(priceText));
  const after = new Set(incoming.priceOverrides.map(priceText));
  for (const price of incoming.priceOverrides) {
    if (!before.has(priceText(price))) changes.push({ setting: 'Price override', from: '—', to: priceText(price), warning: zeroPriceWarning(price) });
  }
  for (const price of current.priceOverrides) {
    if (!after.has(priceText(price))) changes.push({ setting: 'Price override', from: priceText(price), to: 'removed' });
  }
  return changes;
}
