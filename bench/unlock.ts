// Median unlock time with the shipped KDF parameters (Argon2id, 64 MiB, t=3, p=4).
// Two figures: the bare KDF + unwrap in Node, and what a person waits for in the real extension:
// from clicking "Unlock" in the options page to the unlocked dashboard, in headless Chromium.
// Run: npm run build && npx tsx bench/unlock.ts
import { createEnvelope, openEnvelope } from '../lib/vault/envelope';
import { defaultKdfCost } from '../lib/vault/kdf';
import { aria, launchWithExtension } from '../test/support/browser';
import { fmt, median } from './stats';

const RUNS = Number(process.env.RUNS ?? 7);
const PASSPHRASE = 'bench passphrase for unlock';

async function nodeKdf(): Promise<number[]> {
  const { header } = await createEnvelope(PASSPHRASE, defaultKdfCost);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await openEnvelope(PASSPHRASE, header, defaultKdfCost);
    times.push(performance.now() - start);
  }
  return times;
}

async function extensionUnlock(): Promise<number[]> {
  const ext = await launchWithExtension();
  try {
    const page = await ext.openPage('options.html');
    for (const name of ['Passphrase', 'Confirm passphrase']) await (await page.waitForSelector(aria(name, 'textbox')))!.type(PASSPHRASE);
    await (await page.waitForSelector(aria('Create vault', 'button')))!.click();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await (await page.waitForSelector(aria('Lock', 'button')))!.click();
      await (await page.waitForSelector(aria('Passphrase', 'textbox')))!.type(PASSPHRASE);
      const button = await page.waitForSelector(aria('Unlock', 'button'));
      const start = performance.now();
      await button!.click();
      await page.waitForSelector(aria('Keys', 'link'));
      times.push(performance.now() - start);
    }
    return times;
  } finally {
    await ext.close();
  }
}

const kdf = await nodeKdf();
const ui = await extensionUnlock();
console.log(`KDF: Argon2id m=${defaultKdfCost.memoryKiB / 1024} MiB t=${defaultKdfCost.iterations} p=${defaultKdfCost.parallelism}, ${RUNS} runs each`);
console.log(`unlock, KDF + unwrap in Node:             median ${fmt(median(kdf))}  (min ${fmt(Math.min(...kdf))}, max ${fmt(Math.max(...kdf))})`);
console.log(`unlock, click to dashboard in extension:  median ${fmt(median(ui))}  (min ${fmt(Math.min(...ui))}, max ${fmt(Math.max(...ui))})`);
