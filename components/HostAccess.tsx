import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { hostPatternOf, requestHostFor } from './host-permission';

/**
 * Says so when the vault may not reach a key's host, with a button to allow it again. Firefox lets a
 * person withdraw any host permission (about:addons → Permissions), the listed provider hosts
 * included; Chromium's site-access setting can do the same. Calls to that host then fail as
 * unreachable (unless the host answers CORS), which would otherwise look like a network problem.
 */
export function HostAccess({ url }: { url: string | undefined }) {
  const [allowed, setAllowed] = useState<boolean>();
  useEffect(() => {
    if (!url) return;
    let live = true;
    const check = () =>
      void browser.permissions.contains({ origins: [hostPatternOf(url)] }).then((yes) => live && setAllowed(yes), () => undefined);
    check();
    browser.permissions.onAdded.addListener(check);
    browser.permissions.onRemoved.addListener(check);
    return () => {
      live = false;
      browser.permissions.onAdded.removeListener(check);
      browser.permissions.onRemoved.removeListener(check);
    };
  }, [url]);
  if (!url || allowed !== false) return null;
  return (
    <div role="alert" className="warning row">
      <span>OKAP Wallet is not allowed to reach {new URL(url).host}: calls with this key may fail until you allow it.</span>
      {/* The request must be the first thing the click does: Firefox prompts only during the gesture. */}
      <button type="button" onClick={() => void requestHostFor(url).then(setAllowed, () => undefined)}>
        Allow access
      </button>
    </div>
  );
}
