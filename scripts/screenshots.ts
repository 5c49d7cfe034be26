// Takes the README's screenshots from the production build in headless Chromium.
// Run: npm run build && npx tsx scripts/screenshots.ts
import { resolve } from 'node:path';
import { launchWithExtension } from '../test/support/browser';
import { addKey, approvalWindow, createVault } from '../test/support/flows';
import { serveStatic } from '../test/support/site';

const out = resolve(import.meta.dirname, '../docs');
const site = await serveStatic(resolve(import.meta.dirname, '../demo'));
const ext = await launchWithExtension();
try {
  const options = await createVault(ext, 'screenshot passphrase 1');
  await addKey(options, { kind: 'openai', label: 'Personal OpenAI', secret: 'sk-proj-EXAMPLEexampleEXAMPLE7f3a' });
  await addKey(options, { kind: 'anthropic', label: 'Work Claude', secret: 'sk-ant-api03-EXAMPLEexample9c1d' });
  await options.setViewport({ width: 900, height: 640 });
  await options.screenshot({ path: `${out}/keys.png` });

  const demo = await ext.browser.newPage();
  await demo.goto(`${site.origin}/`);
  await demo.waitForFunction(() => 'okap' in window);
  await demo.click('#connect');
  const win = await approvalWindow(ext);
  await win.setViewport({ width: 360, height: 620 });
  await win.waitForSelector('::-p-text(Approve)');
  await new Promise((r) => setTimeout(r, 700));
  await win.screenshot({ path: `${out}/approve.png` });
  console.log(`wrote ${out}/keys.png and ${out}/approve.png`);
} finally {
  await ext.close();
  await site.close();
}
