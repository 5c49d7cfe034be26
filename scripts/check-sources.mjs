#!/usr/bin/env node
// Proves the sources archive AMO asks for is complete: unpack it in a fresh folder, build the Firefox
// version from it alone (with this checkout's node_modules, as `npm ci` would install them), and
// compare the result file for file with the Firefox archive. Run after `npm run zip`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
// wxt's own zip library (a dependency of wxt), so the check needs no `unzip` on the machine.
import JSZip from 'jszip';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const archive = (kind) => resolve(`.output/okap-wallet-${version}-${kind}.zip`);

async function unpack(file, into) {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const files = new Map();
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const bytes = await entry.async('nodebuffer');
    files.set(entry.name, bytes);
    if (into) {
      mkdirSync(dirname(join(into, entry.name)), { recursive: true });
      writeFileSync(join(into, entry.name), bytes);
    }
  }
  return files;
}

function listFiles(dir, prefix = '') {
  const out = new Map();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of listFiles(dir, path)) out.set(k, v);
    else out.set(path, readFileSync(join(dir, path)));
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'okap-sources-'));
try {
  await unpack(archive('sources'), work);
  symlinkSync(resolve('node_modules'), join(work, 'node_modules'), 'dir');
  const build = spawnSync('npx', ['wxt', 'build', '-b', 'firefox'], { cwd: work, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the sources archive does not build:\n${build.stdout}${build.stderr}`);
  const shipped = await unpack(archive('firefox'));
  const rebuilt = listFiles(join(work, '.output/firefox-mv3'));
  const differ = [...new Set([...shipped.keys(), ...rebuilt.keys()])].filter((name) => !shipped.get(name)?.equals(rebuilt.get(name) ?? Buffer.alloc(0)));
  if (differ.length) throw new Error(`rebuilt from sources, these differ from the Firefox archive: ${differ.join(', ')}`);
  const chrome = JSON.parse((await unpack(archive('chrome'))).get('manifest.json').toString());
  if (chrome.browser_specific_settings) throw new Error('the Chrome archive carries Firefox settings');
  console.log(`The sources archive rebuilds the Firefox archive exactly (${shipped.size} files).`);
} catch (error) {
  console.error(`✗ ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
