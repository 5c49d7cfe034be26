/** The slice of the `chrome` global that tests use inside extension pages (code passed to page.evaluate). */
interface TestStorageArea {
  get(keys: string | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}
declare const chrome: { storage: { local: TestStorageArea; session: TestStorageArea } };
