import tseslint from 'typescript-eslint';

/** Names that tie code to the browser or to React: lib/ must run in Node too (server, tests). */
const browserGlobals = ['browser', 'chrome'].map((name) => ({ name, message: 'lib/ is portable: pass browser capabilities in from entrypoints/.' }));
const notPortable = [
  { group: ['wxt', 'wxt/*', '#imports', '@webext-core/*', 'webextension-polyfill'], message: 'lib/ is portable: no extension APIs.' },
  { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'lib/ is portable: no React.' },
];
const dexieOnlyInDb = { group: ['dexie', 'dexie/*'], message: 'Only lib/db imports Dexie; use its types and tables from there.' };

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**', 'dist/**', '.bench/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: [dexieOnlyInDb] }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/db/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...notPortable, dexieOnlyInDb] }],
      'no-restricted-globals': ['error', ...browserGlobals],
    },
  },
  {
    files: ['lib/db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: notPortable }],
      'no-restricted-globals': ['error', ...browserGlobals],
    },
  },
  {
    // Tests read extension storage from inside Chromium pages, where `chrome` is the page's own global.
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-globals': 'off' },
  },
);
