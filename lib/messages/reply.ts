/** What crosses a message boundary instead of a thrown error, which the browser would flatten to a string. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ReplyError };
export interface ReplyError {
  code: string;
  message: string;
  /** Where a field-level error points (a form field, a request path). */
  path?: string;
  retryAt?: number;
}

/** A failed reply, raised again on the calling side so UI code can use try/catch. */
export class ReplyFailure extends Error implements ReplyError {
  readonly code: string;
  readonly path?: string;
  readonly retryAt?: number;
  constructor(error: ReplyError) {
    super(error.message);
    this.code = error.code;
    this.path = error.path;
    this.retryAt = error.retryAt;
  }
}

export function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new ReplyFailure(reply.error);
}
