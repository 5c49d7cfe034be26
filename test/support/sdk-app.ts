import { build } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Bundles the SDK test app for the browser into a fresh folder with an index.html, ready to serve. */
export async function buildSdkApp(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'okap-sdk-app-'));
  await build({
    entryPoints: [resolve(import.meta.dirname, '../e2e/sdk-app/app.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    outfile: join(dir, 'app.js'),
    // The SDKs' error classes are told apart by name in the tests.
    keepNames: true,
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>SDK app</title><h1>SDK app</h1><script src="app.js"></script>');
  return dir;
}
