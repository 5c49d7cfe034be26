import { defineConfig } from 'vitest/config';

/** The suites that run in both browsers; other e2e files run in Chromium only. */
const bothBrowsers = ['test/e2e/vault.test.ts', 'test/e2e/access.test.ts', 'test/e2e/proxy.test.ts', 'test/e2e/early-calls.test.ts'];

const e2e = {
  environment: 'node' as const,
  testTimeout: 60_000,
  hookTimeout: 180_000,
  // One browser at a time: the machine has two cores. (groupOrder below runs the projects one after another.)
  fileParallelism: false,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'test/conventions.test.ts'],
          // The vault server's process tests run in their own project (below).
          exclude: ['server/test/**'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
          sequence: { groupOrder: 0 },
        },
      },
      // --- vault server (issue 9): spawns `server/main.ts` processes, PGlite and PostgreSQL ---
      {
        test: {
          name: 'server',
          include: ['server/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Each file starts server processes (and PostgreSQL work); two cores, so one file at a time,
          // and not beside the browsers.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      // --- end vault server ---
      {
        test: { name: 'e2e-chromium', include: ['test/e2e/**/*.test.ts'], env: { BROWSER: 'chromium' }, sequence: { groupOrder: 2 }, ...e2e },
      },
      {
        test: { name: 'e2e-firefox', include: bothBrowsers, env: { BROWSER: 'firefox' }, sequence: { groupOrder: 3 }, ...e2e },
      },
    ],
  },
});
