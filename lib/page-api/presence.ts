/** Where in the browser an access request came from, as the browser and the bridge report it. */
export interface CallerContext {
  /** The tab is the active one of a window that is not minimized. */
  visible: boolean;
  /** The top-level document, or a frame of the same or of another origin than the top-level page. */
  frame: 'top' | 'same-origin' | 'cross-origin';
  /** The frame has a current user gesture (transient user activation). */
  activated: boolean;
  /** The browser's id of the tab. */
  tabId?: number;
}

/**
 * Whether a request may bring the approval window up and take focus, as wallets let a page the person
 * is looking at do. A hidden tab, or a frame of another origin acting without a gesture, only waits in
 * the queue (the toolbar badge counts it) until the person opens it from the toolbar.
 */
export function mayRaiseWindow(caller: CallerContext): boolean {
  if (!caller.visible) return false;
  return caller.frame !== 'cross-origin' || caller.activated;
}
