import { browser } from 'wxt/browser';

const SIZES = [16, 32, 48, 128] as const;

/**
 * The toolbar icon says whether the vault is locked (grey wallet with a padlock) or unlocked. The
 * badge (pending count, or "!" for a locked vault with waiting calls) is drawn over either; it is
 * set elsewhere (approval-badge.ts, local-proxy.ts), and the icon never touches it.
 */
export async function showLockState(unlocked: boolean): Promise<void> {
  const folder = unlocked ? 'icon' : 'icon-locked';
  const path = Object.fromEntries(SIZES.map((size) => [size, `/${folder}/${size}.png`]));
  await browser.action.setIcon({ path }).catch(() => undefined);
}
