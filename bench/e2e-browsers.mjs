#!/usr/bin/env node
// Wall time of the three cross-browser e2e suites (vault, access, proxy) in Chromium, then in Firefox,
// each as its own vitest run (browser launches included). Needs both builds:
// `npm run build && npm run build:firefox && node bench/e2e-browsers.mjs`.
import { spawnSync } from 'node:child_process';

const suites = ['test/e2e/vault.test.ts', 'test/e2e/access.test.ts', 'test/e2e/proxy.test.ts'];
const times = {};
for (const project of ['e2e-chromium', 'e2e-firefox']) {
  const start = performance.now();
  const run = spawnSync('npx', ['vitest', 'run', '--project', project, ...suites], { encoding: 'utf8' });
  times[project] = (performance.now() - start) / 1000;
  const out = run.stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = out.match(/Tests\s+(.*)/)?.[1] ?? 'no summary';
  console.log(`${project}: ${times[project].toFixed(1)} s wall (${summary})${run.status === 0 ? '' : ' FAILED'}`);
  if (run.status !== 0) console.log(out.split('\n').filter((line) => /×|Error/.test(line)).join('\n'));
}
console.log(`Firefox / Chromium: ${(times['e2e-firefox'] / times['e2e-chromium']).toFixed(2)}×`);
