#!/usr/bin/env node
// `npm test`: every check the project makes, in order, ending with one line
// `N passed, N failed, N skipped` for the whole run. The type check, lint, builds and the Firefox
// lint each count as one test. The e2e suites run in Chromium, then in Firefox (vitest projects
// e2e-chromium and e2e-firefox); a test that cannot run in one browser says why in its name and
// counts as skipped, never as passed.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const steps = [
  ['type check', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['lint', 'npx', ['eslint', '.']],
  // `wxt zip` builds, then packs the store archives (`npm run zip`), so the builds are tested as shipped.
  ['chrome build and store archive', 'npx', ['wxt', 'zip']],
  ['firefox build, store archive and sources archive', 'npx', ['wxt', 'zip', '-b', 'firefox']],
  ['sources archive rebuilds the Firefox archive', 'node', ['scripts/check-sources.mjs']],
  ['firefox lint (web-ext)', 'npx', ['web-ext', 'lint', '--source-dir', '.output/firefox-mv3', '--warnings-as-errors=false']],
];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const [name, command, args] of steps) {
  console.log(`\n▶ ${name}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit' });
  if (status === 0) passed++;
  else {
    failed++;
    console.log(`✗ ${name} failed`);
  }
}

const report = '.output/vitest.json';
rmSync(report, { force: true });
console.log('\n▶ vitest');
const vitest = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed += results.numPassedTests;
  skipped += (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  // A suite that fails before its tests run (a broken import, a failing beforeAll) counts once.
  failed += results.numFailedTests || results.numFailedTestSuites || 0;
} catch {
  failed++;
  console.log('✗ vitest wrote no report');
}
if (vitest.status !== 0 && failed === 0) failed++;

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
