import type { GrantLookup } from '../grants/types';
import type { LimitLedger } from '../limits/types';
import type { PriceOverride } from '../pricing';
import type { KeyKind } from '../providers/kinds';
import type { UsageSink } from '../usage/types';

/** Who is calling. */
export interface ProxyContext {
  /**
   * Local mode: the origin the browser named for the calling page (the Port's sender). The
   * token must have been granted to exactly this origin. Relay mode (the vault server):
   * undefined, and no origin binding applies (the token is the credential).
   */
  origin?: string;
}

/** A plaintext key, handed to the proxy for one call only. */
export interface ProviderKey {
  /** Which adapter speaks its wire format. */
  kind: KeyKind;
  /** '' for the adapter's default. */
  baseUrl: string;
  secret: string;
}

export interface KeySource {
  /**
   * The key that serves an OKAP provider id (`openai`, `groq`, …), or undefined when the vault
   * holds none. Throws an error whose `code` is `'vault_locked'` while the vault is locked.
   */
  forProvider(providerId: string): Promise<ProviderKey | undefined>;
}

/**
 * Revocation of calls in flight. `signal(grantId)` aborts when the grant is revoked, and is
 * already aborted for a grant revoked earlier, so a call that read its grant just before the
 * revocation is still stopped: before forwarding it is refused as token_revoked, and a
 * stream already running is cut. `createRevocationHub()` is the in-memory implementation.
 */
export interface RevocationSource {
  signal(grantId: string): AbortSignal;
}

export interface ProxyDeps {
  grants: GrantLookup;
  keys: KeySource;
  limits: LimitLedger;
  usage: UsageSink;
  /** Epoch ms. */
  now(): number;
  /** The user's price overrides (Settings), read once per call. */
  priceOverrides?(): readonly PriceOverride[] | Promise<readonly PriceOverride[]>;
  fetch: typeof fetch;
  revocations?: RevocationSource;
  /** Failures that must not fail a call: usage writes, metering bugs. Never given a secret. */
  onError?(error: unknown): void;
  /**
   * Told when a call passed every check and was admitted: a live grant of this origin is in use.
   * The extension counts that, and only that, as activity against auto-lock, so a page without a
   * grant cannot keep the vault unlocked by calling it.
   */
  onAdmitted?(grantId: string): void;
  /** Makes usage row ids; default crypto.randomUUID. */
  newId?(): string;
}
