import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'server/**/*.test.ts', 'test/unit/**/*.test.ts'],
          // The vault server's process tests run in their own project (below).
          exclude: ['server/test/**'],
          environment: 'node',
          setupFiles: ['fake-indexeddb/auto'],
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
          // Each file starts server processes (and PostgreSQL work); two cores, so one file at a time.
          fileParallelism: false,
        },
      },
      // --- end vault server ---
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
