import { useEffect, useState } from 'react';

/**
 * False for `delayMs` after the window appears or regains focus: a page cannot trick a person into
 * clicking "Approve" by opening the window under a click they were already making.
 */
export function useArmed(delayMs = 500, resetKey?: unknown): boolean {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const disarm = () => {
      setArmed(false);
      clearTimeout(timer);
      if (document.visibilityState === 'visible' && document.hasFocus()) timer = setTimeout(() => setArmed(true), delayMs);
    };
    disarm();
    window.addEventListener('focus', disarm);
    window.addEventListener('blur', disarm);
    document.addEventListener('visibilitychange', disarm);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('focus', disarm);
      window.removeEventListener('blur', disarm);
      document.removeEventListener('visibilitychange', disarm);
    };
  }, [delayMs, resetKey]);
  return armed;
}
