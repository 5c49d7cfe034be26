import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type ExtensionBrowser } from '../support/browser';
import { addKey, approvalWindow, approve, createVault } from '../support/flows';
import { waitUntil } from '../support/pages';
import { browserName } from '../support/suite';
import { serveStatic } from '../support/site';
import { startUpstream } from '../support/upstream';

// The bridge to the vault arrives at document_idle (issue 8, item 11), while window.okap is there from
// document_start. A page's own <head> script runs while the document is still loading, so before the
// bridge: whatever it asks must wait for the bridge and then be answered, never lost.

const REAL_KEY = 'sk-upstream-early-000000000000000';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- results arrive from the page as JSON and each field is checked with expect
type Json = any;

/** Runs in the page's <head>: records whether the bridge could be there yet, and settles `call` into `__result`. */
const head = (call: string) => `<!doctype html><html><head><script>
  window.__early = { readyState: document.readyState, okap: typeof window.okap };
  window.__announced = [];
  window.addEventListener('okap:announceVault', (e) => window.__announced.push(e.detail.info.rdns));
  window.dispatchEvent(new Event('okap:requestVault'));
  window.__result = (async () => { ${call} })().then((value) => ({ value }), (e) => ({ error: { name: e.name, code: e.code, message: e.message } }));
</script></head><body><p>early</p></body></html>`;

let ext: ExtensionBrowser;
let site: Awaited<ReturnType<typeof serveStatic>>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  upstream = await startUpstream([REAL_KEY]);
  upstream.onMessage('early hello', { content: 'answered early' });
  site = await serveStatic(import.meta.dirname, {
    '/grants.html': head('return await window.okap.getGrants();'),
    '/ask.html': head(`return await window.okap.requestAccess({ provider: 'openai' });`),
    '/fetch.html': head(`
      const token = new URLSearchParams(location.search).get('token');
      const response = await window.okap.fetch('https://okap.invalid/v1/openai/chat/completions', {
        method: 'POST',
        headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'early hello' }] }),
      });
      return { status: response.status, body: await response.json() };`),
  });
  ext = await launch();
  const options = await createVault(ext, 'early calls passphrase 42');
  await addKey(options, { kind: 'openai', label: 'OpenAI via mock', secret: REAL_KEY, baseUrl: `${upstream.url}/v1` });
}, 180_000);
afterAll(async () => {
  await ext?.close();
  await site?.close();
  await upstream?.stop();
});

/** Loads `path` in a tab in front (a request from a background tab only waits quietly in the queue). */
async function open(path: string): Promise<Page> {
  const page = await ext.newTab();
  await page.bringToFront();
  await page.goto(`${site.origin}${path}`, { waitUntil: 'domcontentloaded' });
  return page;
}

const outcome = (page: Page) => page.evaluate(() => (window as unknown as { __result: Promise<Json> }).__result) as Promise<Json>;
const early = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __early: object; __announced: string[] };
    return { ...w.__early, announced: w.__announced };
  }) as Promise<Json>;

describe(`calls made before the bridge is there, in ${browserName}`, () => {
  it('discovery answers at once, and a call from the <head> is answered once the bridge comes', async () => {
    const page = await open('/grants.html');
    // The call was made while the document was still loading, so before any document_idle script.
    expect(await early(page)).toEqual({ readyState: 'loading', okap: 'object', announced: ['dev.okap.wallet'] });
    expect(await outcome(page)).toEqual({ value: [] });
    await page.close();
  });

  it('an early requestAccess reaches the approval window, and an early okap.fetch is proxied', async () => {
    const asking = await open('/ask.html');
    await approve(await approvalWindow(ext));
    const asked = await outcome(asking);
    expect(asked.error).toBeUndefined();
    expect(asked.value).toMatchObject({ status: 'granted' });
    expect((await early(asking)).readyState).toBe('loading');
    await asking.close();

    const fetching = await open(`/fetch.html?token=${asked.value.token}`);
    const fetched = await outcome(fetching);
    expect(fetched.error).toBeUndefined();
    expect(fetched.value.status).toBe(200);
    expect(fetched.value.body.choices[0].message.content).toBe('answered early');
    expect((await early(fetching)).readyState).toBe('loading');
    await waitUntil(fetching, () => document.readyState === 'complete');
    await fetching.close();
  });
});
