import { browser } from 'wxt/browser';
import type { ApprovalQueue } from '@/lib/approvals/queue';
import { broadcastMessaging } from '@/utils/messaging';

/**
 * One extension-owned window for every waiting request, reused and focused. Closing it denies what
 * is still waiting; it closes itself when nothing is left.
 */
export function approvalWindow<T>(queue: ApprovalQueue<T>) {
  let windowId: number | undefined;
  let opening: Promise<void> | undefined;

  browser.windows.onRemoved.addListener((id) => {
    if (id !== windowId) return;
    windowId = undefined;
    queue.denyAll();
  });

  queue.onChange(() => {
    void broadcastMessaging.sendMessage('approvalsChanged', undefined).catch(() => undefined);
    if (queue.size === 0 && windowId !== undefined) {
      const id = windowId;
      windowId = undefined;
      void browser.windows.remove(id).catch(() => undefined);
    }
  });

  async function open(): Promise<void> {
    if (windowId !== undefined) {
      try {
        await browser.windows.update(windowId, { focused: true, drawAttention: true });
        return;
      } catch {
        windowId = undefined; // closed behind our back
      }
    }
    const created = await browser.windows.create({
      url: browser.runtime.getURL('/approve.html'),
      type: 'popup',
      width: 360,
      height: 620,
      focused: true,
    });
    windowId = created?.id;
  }

  return {
    show(): Promise<void> {
      // Requests from two tabs at once must share one window.
      opening ??= open().finally(() => (opening = undefined));
      return opening;
    },
  };
}
