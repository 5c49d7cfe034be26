import { okapError, type OkapError, type OkapRequest } from '../protocol';
import { deniedResponse } from '../protocol';

export interface PendingApproval {
  id: string;
  /** The browser's word for the requesting site. */
  origin: string;
  request: OkapRequest;
  createdAt: number;
  /** What the browser said about where in the tab the request came from. */
  context?: RequestContext;
}

export interface RequestContext {
  /** A frame whose origin differs from the top-level page's. */
  crossOriginFrame?: boolean;
  /** The browser's id of the tab that asked. */
  tabId?: number;
}

/** What the person decided, as the background applies it. */
export type Outcome<T> = { approved: T } | { error: OkapError };

export interface QueueOptions {
  now?: () => number;
  /** An unanswered request is denied with `timeout` after this long. */
  timeoutMs?: number;
  /** This many denials from one origin within `denialWindowMs`… */
  denialsToThrottle?: number;
  denialWindowMs?: number;
  /** …block it for this long. */
  throttleMs?: number;
}

interface Entry<T> extends PendingApproval {
  settle: (outcome: Outcome<T>) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Being approved right now (the grant is being issued): nothing else may end it meanwhile. */
  claimed: boolean;
}

/** What `submit` answers at once: whether the request now waits for the person, and how it ends. */
export interface Ticket<T> {
  /** The queue id while the request waits; absent when it was refused at once. */
  id?: string;
  outcome: Promise<Outcome<T>>;
}

/**
 * Requests waiting for a person, from every tab, in arrival order. Anti-abuse as the best wallets do it:
 * one pending request per origin, and an origin that keeps getting denied is made to wait.
 */
export class ApprovalQueue<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly denials = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly options: Required<Omit<QueueOptions, 'now'>>;

  constructor(options: QueueOptions = {}) {
    this.now = options.now ?? Date.now;
    this.options = {
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
      denialsToThrottle: options.denialsToThrottle ?? 3,
      denialWindowMs: options.denialWindowMs ?? 30_000,
      throttleMs: options.throttleMs ?? 60_000,
    };
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  list(): PendingApproval[] {
    return [...this.entries.values()].map(({ id, origin, request, createdAt, context }) => ({ id, origin, request, createdAt, context }));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Queues a request; its outcome resolves when the person decides, the window closes, or time runs out. */
  submit(origin: string, request: OkapRequest, context?: RequestContext): Ticket<T> {
    const refuse = (error: OkapError): Ticket<T> => ({ outcome: Promise.resolve({ error }) });
    const blocked = this.blockedUntil.get(origin) ?? 0;
    if (blocked > this.now()) {
      const seconds = Math.ceil((blocked - this.now()) / 1000);
      return refuse(okapError('throttled', `Too many denied requests from this site. Try again in ${seconds} s.`));
    }
    if ([...this.entries.values()].some((entry) => entry.origin === origin)) {
      return refuse(okapError('already_pending', 'This site already has a request waiting for the user.'));
    }
    // One page cannot fill the queue through frames of many origins: one waiting request per tab from them.
    if (context?.crossOriginFrame && context.tabId !== undefined && this.fromFramesOf(context.tabId)) {
      return refuse(okapError('already_pending', 'A frame of this page already has a request waiting for the user.'));
    }
    const id = crypto.randomUUID();
    const outcome = new Promise<Outcome<T>>((resolve) => {
      const timer = setTimeout(() => {
        if (!this.entries.get(id)?.claimed) this.finish(id, { error: okapError('timeout', 'The user did not answer in time.') });
      }, this.options.timeoutMs);
      this.entries.set(id, { id, origin, request, context, createdAt: this.now(), settle: resolve, timer, claimed: false });
    });
    this.changed();
    return { id, outcome };
  }

  private fromFramesOf(tabId: number): boolean {
    return [...this.entries.values()].some((entry) => entry.context?.crossOriginFrame && entry.context.tabId === tabId);
  }

  /**
   * Takes a request for approval before the grant is issued, so a second click, a denial or the
   * window closing cannot end it (or approve it again) meanwhile. `release` gives it back on failure.
   */
  claim(id: string): PendingApproval | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.claimed) return undefined;
    entry.claimed = true;
    return { id: entry.id, origin: entry.origin, request: entry.request, createdAt: entry.createdAt, context: entry.context };
  }

  release(id: string): void {
    const entry = this.entries.get(id);
    if (entry) entry.claimed = false;
  }

  approve(id: string, approved: T): boolean {
    return this.finish(id, { approved }, true);
  }

  deny(id: string, reason?: string): boolean {
    const entry = this.entries.get(id);
    if (!entry || entry.claimed) return false;
    this.recordDenial(entry.origin);
    const response = deniedResponse(reason);
    return this.finish(id, { error: okapError('user_denied', 'The user denied the request.', { response }) });
  }

  /** Everything still waiting is denied: the approval window was closed. */
  denyAll(): void {
    for (const id of [...this.entries.keys()]) this.deny(id);
  }

  /** Ends one request with an error that is not the person's denial (e.g. the page went away). */
  fail(id: string, error: OkapError): boolean {
    return this.finish(id, { error });
  }

  private finish(id: string, outcome: Outcome<T>, claimant = false): boolean {
    const entry = this.entries.get(id);
    if (!entry || (entry.claimed && !claimant)) return false;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    entry.settle(outcome);
    this.changed();
    return true;
  }

  private recordDenial(origin: string): void {
    const now = this.now();
    const recent = (this.denials.get(origin) ?? []).filter((at) => now - at < this.options.denialWindowMs);
    recent.push(now);
    if (recent.length >= this.options.denialsToThrottle) {
      this.blockedUntil.set(origin, now + this.options.throttleMs);
      this.denials.delete(origin);
    } else {
      this.denials.set(origin, recent);
    }
  }
}
