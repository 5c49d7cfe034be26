import { browser } from 'wxt/browser';
import type { ApprovalQueue } from '@/lib/approvals/queue';

const POPUP = 'popup.html';
const APPROVE = 'approve.html';

/**
 * Requests that may not pop a window up (from a hidden tab, or a cross-origin frame without a gesture)
 * wait quietly: the toolbar badge counts every waiting request, and while any waits the toolbar button
 * opens the approval page itself, so the person reaches them in one click when they choose to.
 */
export function approvalBadge<T>(queue: ApprovalQueue<T>) {
  let shown = false;
  async function update(): Promise<void> {
    const size = queue.size;
    await browser.action.setPopup({ popup: size > 0 ? APPROVE : POPUP });
    if (size > 0) {
      shown = true;
      await browser.action.setBadgeText({ text: String(size) });
      await browser.action.setBadgeBackgroundColor({ color: '#4f46e5' });
      await browser.action.setTitle({ title: `OKAP Wallet: ${size} request${size === 1 ? '' : 's'} waiting. Click to review.` });
    } else if (shown) {
      // Only clear what this set: the locked-vault badge is someone else's.
      shown = false;
      await browser.action.setBadgeText({ text: '' });
      await browser.action.setTitle({ title: 'OKAP Wallet' });
    }
  }
  const refresh = () => void update().catch(() => undefined);
  queue.onChange(refresh);
  // The locked-vault badge is cleared on unlock: the count comes back then.
  return { refresh };
}
