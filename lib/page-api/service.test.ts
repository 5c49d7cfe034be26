import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApprovalQueue } from '../approvals/queue';
import type { GrantStore } from '../grants/store';
import type { GrantedResponse } from '../protocol';
import { pageApi } from './service';

function api() {
  const queue = new ApprovalQueue<GrantedResponse>();
  let shown = 0;
  const call = pageApi({
    queue,
    grants: {} as GrantStore,
    isUnlocked: () => true,
    showApprovals: async () => void shown++,
    onRevoked: () => undefined,
  });
  return { call, queue, shown: () => shown };
}

const hostile = fc.oneof(
  fc.anything(),
  fc.record({ provider: fc.anything(), models: fc.anything(), limits: fc.anything(), expires: fc.anything() }, { requiredKeys: [] }),
  fc.record({ okap: fc.oneof(fc.constant('2.0'), fc.string(), fc.anything()), authorization_details: fc.anything(), client: fc.anything() }),
  fc.record({
    okap: fc.constant('1.0'),
    client: fc.record({ name: fc.string({ maxLength: 300 }) }),
    authorization_details: fc.array(
      fc.record({
        type: fc.oneof(fc.constant('ai_model_access'), fc.string()),
        provider: fc.oneof(fc.constant('openai'), fc.string()),
        models: fc.oneof(fc.array(fc.string(), { maxLength: 150 }), fc.anything()),
        limits: fc.dictionary(fc.constantFrom('monthly_spend', 'daily_spend', 'requests_per_minute', '__proto__'), fc.oneof(fc.double(), fc.integer(), fc.string())),
        expires: fc.oneof(fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'nope' : d.toISOString())), fc.string()),
      }, { requiredKeys: ['type'] }),
      { maxLength: 12 },
    ),
  }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": 1}, "provider": "openai", "limits": {"monthly_spend": -5}}')),
);

describe('requestAccess from a page', () => {
  it('hostile requests end in invalid_request with a field path, never a throw, never a pending request', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (input) => {
        const { call, queue, shown } = api();
        const pending = call('https://app.example', 'requestAccess', input);
        // A valid request would wait for the person; anything else must already be answered.
        if (queue.size > 0) {
          queue.denyAll();
          await pending;
          return;
        }
        const result = await pending;
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error.code).toBe('invalid_request');
        expect(typeof result.error.path).toBe('string');
        expect(shown()).toBe(0);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('which requests may bring the approval window up', () => {
  const ask = { provider: 'openai' };
  const cases = [
    { caller: { visible: true, frame: 'top', activated: false }, raises: true },
    { caller: { visible: false, frame: 'top', activated: true }, raises: false },
    { caller: { visible: true, frame: 'same-origin', activated: false }, raises: true },
    { caller: { visible: true, frame: 'cross-origin', activated: false }, raises: false },
    { caller: { visible: true, frame: 'cross-origin', activated: true }, raises: true },
    { caller: { visible: false, frame: 'cross-origin', activated: true }, raises: false },
  ] as const;

  for (const { caller, raises } of cases) {
    it(`${caller.visible ? 'visible' : 'hidden'} ${caller.frame} ${caller.activated ? 'with' : 'without'} a gesture: ${raises ? 'opens the window' : 'waits in the queue'}`, async () => {
      const { call, queue, shown } = api();
      const pending = call('https://app.example', 'requestAccess', ask, undefined, caller);
      await new Promise((r) => setTimeout(r, 0));
      expect(queue.size).toBe(1);
      expect(shown()).toBe(raises ? 1 : 0);
      expect(queue.list()[0]!.context?.crossOriginFrame).toBe(caller.frame === 'cross-origin');
      queue.denyAll();
      await pending;
    });
  }
});
