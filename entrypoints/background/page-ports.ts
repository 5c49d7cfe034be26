import type { Runtime } from 'webextension-polyfill';
import { browser } from 'wxt/browser';
import { pageCallSchema, PORT_NAME, type PagePortMessage } from '@/lib/page-api/messages';
import { originOfSender } from '@/lib/page-api/origin';
import type { pageApi } from '@/lib/page-api/service';

/**
 * The content scripts' Ports. Each Port's origin is fixed when it connects, from what the browser says
 * about its sender; every call on it is answered for that origin and nothing the page sends can change it.
 */
export function pagePorts(api: ReturnType<typeof pageApi>) {
  const ports = new Map<Runtime.Port, string>();

  function send(port: Runtime.Port, message: PagePortMessage): void {
    try {
      port.postMessage(message);
    } catch {
      ports.delete(port); // the tab went away while we were answering
    }
  }

  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== PORT_NAME) return;
    const origin = port.sender?.id === browser.runtime.id && port.sender.tab ? originOfSender(port.sender) : undefined;
    if (!origin) {
      port.disconnect();
      return;
    }
    ports.set(port, origin);
    port.onDisconnect.addListener(() => ports.delete(port));
    port.onMessage.addListener(async (message: unknown) => {
      const call = pageCallSchema.safeParse(message);
      if (!call.success) return; // not a call of ours; there is no id to answer
      const result = await api(origin, call.data.method, call.data.params);
      send(port, result.ok ? { id: call.data.id, ok: true, value: result.value } : { id: call.data.id, ok: false, error: result.error });
    });
  });

  return {
    /** Every page of `origin` learns that `token` stopped working. */
    announceRevoked(origin: string, token: string): void {
      for (const [port, portOrigin] of ports) if (portOrigin === origin) send(port, { event: 'revoked', detail: { token } });
    },
  };
}
