import { installOkap } from './provider';

/**
 * `window.okap` in every frame, before the page's own scripts run. Declared in wxt.config.ts as a
 * MAIN-world content script, which the browser runs synchronously at document_start.
 */
export default defineUnlistedScript({
  main() {
    installOkap('1.0');
  },
});
