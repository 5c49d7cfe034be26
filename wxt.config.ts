import { defineConfig } from 'wxt';
import react from '@vitejs/plugin-react';

// Hosts the vault may call without asking: the three providers and local servers (Ollama, LM Studio,
// the test upstream). Any other key host is requested as an optional permission when the key is saved.
const providerHosts = [
  'https://api.openai.com/*',
  'https://api.anthropic.com/*',
  'https://generativelanguage.googleapis.com/*',
  'http://localhost/*',
  'http://127.0.0.1/*',
];

const webPages = ['http://*/*', 'https://*/*'];

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [react()] }),
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    name: 'OKAP Wallet',
    description: 'Let apps use your AI provider keys through scoped, revocable OKAP tokens, without handing the keys over.',
    permissions: ['storage', 'alarms', 'unlimitedStorage', 'notifications'],
    // Both are unlisted scripts, so what every page loads carries no framework runtime.
    content_scripts: [
      { matches: webPages, js: ['okap-inpage.js'], run_at: 'document_start', all_frames: true, world: 'MAIN' },
      // window.okap (above) queues calls until the bridge says it is ready, so the bridge could come later.
      // At document_idle it showed no measurable gain on this machine's page loads (the runs' noise was larger
      // than the effect) while making a busy page's first calls wait for idle, so it stays at document_start.
      { matches: webPages, js: ['okap-bridge.js'], run_at: 'document_start', all_frames: true },
    ],
    host_permissions: providerHosts,
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    // hash-wasm's Argon2id needs WebAssembly compilation in extension pages and the worker.
    // Approval and options pages are not web-accessible, so no web page can frame them.
    content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        // Usage records never leave the browser (or the user's own vault server).
        gecko: { id: 'wallet@okap.dev', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
        // No gecko_android on purpose: AMO reads it as "works on Android", and Android has no windows
        // API for the approval window. web-ext lint's warning about Android and 142 follows from that.
      },
    }),
  }),
});
