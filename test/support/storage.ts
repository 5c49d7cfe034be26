import type { Page } from 'puppeteer-core';
import type { ExtensionBrowser } from './browser';

/**
 * Everything the extension stored where a page of its own can read it, as one string to search:
 * every IndexedDB store and both storage areas. Bytes appear both decoded as UTF-8 and as numbers,
 * so a plaintext key cannot hide in a binary column.
 */
export async function dumpStorage(ext: ExtensionBrowser): Promise<string> {
  const page = await ext.openPage('popup.html');
  try {
    return await page.evaluate(async () => {
      const out: unknown[] = [];
      for (const info of await indexedDB.databases()) {
        const db = await new Promise<IDBDatabase>((res, rej) => {
          const r = indexedDB.open(info.name!);
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        for (const store of Array.from(db.objectStoreNames)) {
          const rows = await new Promise<unknown[]>((res) => {
            const r = db.transaction(store).objectStore(store).getAll();
            r.onsuccess = () => res(r.result);
          });
          out.push(store, rows);
        }
        db.close();
      }
      const area = (globalThis as unknown as { chrome: { storage: Record<string, { get(k: null): Promise<unknown> }> } }).chrome.storage;
      out.push(await area.local!.get(null), await area.session!.get(null));
      const decoder = new TextDecoder('utf-8', { fatal: false });
      return JSON.stringify(out, (_k, v) => (v instanceof Uint8Array ? decoder.decode(v) + Array.from(v).join(',') : v));
    });
  } finally {
    await page.close();
  }
}

/** Every row of one of the vault's IndexedDB stores (`grants`, `usage`, `reservations`…), read through `page`. */
export function storeRowsVia<T = unknown>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('okap-vault');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(name).objectStore(name).getAll();
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    store,
  ) as Promise<T[]>;
}

/** Every row of one of the vault's IndexedDB stores, through an extension page opened for it. */
export async function storeRows<T = unknown>(ext: ExtensionBrowser, store: string): Promise<T[]> {
  const page = await ext.openPage('popup.html');
  try {
    return await storeRowsVia<T>(page, store);
  } finally {
    await page.close();
  }
}
