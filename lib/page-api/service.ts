import type { ApprovalQueue } from '../approvals/queue';
import { isOkapToken, okapError, parseOkapRequest, type GrantedResponse, type OkapError } from '../protocol';
import type { GrantStore } from '../grants/store';
import type { Grant } from '../grants/types';
import type { PageMethod } from './messages';
import { mayRaiseWindow, type CallerContext } from './presence';

export type PageResult = { ok: true; value: unknown } | { ok: false; error: OkapError };

export interface PageApiDeps {
  queue: ApprovalQueue<GrantedResponse>;
  grants: GrantStore;
  isUnlocked: () => boolean;
  /** Opens or focuses the approval window: only for a request the person is looking at (see `mayRaiseWindow`). */
  showApprovals: () => Promise<void>;
  /** A grant was revoked: cut its calls in flight and tell every page of its origin. */
  onRevoked: (grant: Grant, token: string) => void;
  now?: () => number;
}

const locked = () => okapError('vault_locked', 'The vault is locked. The user has to unlock it first.');

/** What a web page may ask, answered for the origin the browser named. Never throws. */
export function pageApi(deps: PageApiDeps) {
  const now = deps.now ?? Date.now;
  const methods: Record<PageMethod, (origin: string, params: unknown, gone?: AbortSignal, caller?: CallerContext) => Promise<PageResult>> = {
    async requestAccess(origin, params, gone, caller = { visible: true, frame: 'top', activated: true }) {
      const parsed = parseOkapRequest(params, new Date(now()));
      if (!parsed.ok) return { ok: false, error: parsed.error };
      const { id, outcome } = deps.queue.submit(origin, parsed.request, { crossOriginFrame: caller.frame === 'cross-origin', tabId: caller.tabId });
      // Only a request that now waits brings the window up: a throttled site cannot keep stealing focus.
      if (id !== undefined) {
        // A request whose page went away is withdrawn, not left for the person to approve for nobody.
        gone?.addEventListener('abort', () => deps.queue.fail(id, okapError('internal_error', 'The page that asked went away.')));
        // Anything else waits in the queue, counted on the toolbar badge, without popping up or taking focus.
        if (mayRaiseWindow(caller)) await deps.showApprovals();
      }
      const result = await outcome;
      return 'approved' in result ? { ok: true, value: result.approved } : { ok: false, error: result.error };
    },
    async getGrants(origin) {
      if (!deps.isUnlocked()) return { ok: false, error: locked() };
      return { ok: true, value: await deps.grants.responsesFor(origin) };
    },
    async revoke(origin, token) {
      if (!isOkapToken(token)) return { ok: false, error: okapError('invalid_request', 'Expected an OKAP token.', { path: 'token' }) };
      const revoked = await deps.grants.revokeToken(origin, token);
      if (revoked) deps.onRevoked(revoked, token);
      return { ok: true, value: revoked !== undefined };
    },
  };

  /** `gone` aborts when the calling page disconnects; `caller` says where in the browser it asked from. */
  return async function call(origin: string, method: PageMethod, params: unknown, gone?: AbortSignal, caller?: CallerContext): Promise<PageResult> {
    try {
      return await methods[method](origin, params, gone, caller);
    } catch {
      return { ok: false, error: okapError('internal_error', 'The vault could not answer.') };
    }
  };
}
