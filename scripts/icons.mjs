// Renders the extension's icons from the one source SVG (assets/icon.svg) with the Chromium the tests
// use, so no image tool is needed: public/icon/{16,32,48,128}.png (unlocked, also the store icon) and
// public/icon-locked/{16,32,48,128}.png (the toolbar while the vault is locked).
// Run after changing the SVG, and commit the PNGs: node scripts/icons.mjs
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const root = join(import.meta.dirname, '..');
const svg = await readFile(join(root, 'assets/icon.svg'), 'utf8');
const browser = await puppeteer.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  for (const [folder, locked] of [['icon', false], ['icon-locked', true]]) {
    await mkdir(join(root, 'public', folder), { recursive: true });
    for (const size of [16, 32, 48, 128]) {
      await page.setViewport({ width: size, height: size, deviceScaleFactor: 1 });
      const sized = svg.replace('width="128" height="128"', `width="${size}" height="${size}"${locked ? ' class="locked"' : ''}`);
      await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      await writeFile(join(root, 'public', folder, `${size}.png`), png);
      console.log('wrote', `public/${folder}/${size}.png`);
    }
  }
} finally {
  await browser.close();
}
