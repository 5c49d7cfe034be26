/**
 * Property: whatever a granted app does (bursts of concurrent calls, aborts, upstream cuts,
 * answers without usage, context pulled by reference), the spend recorded against a grant
 * never exceeds its spend limit. The documented bound on the overrun is 0 (up to float
 * rounding, 1e-9 USD): every reservation is a true upper bound of what the provider can
 * report, and a call without final usage is billed its reservation.
 *
 * The upstream is aimock's real HTTP server replaying OpenAI's wire format; each call's body
 * tells it how to answer, with usage any real provider could report for that request: input
 * up to one token per byte of what it received (up to the model's context window for a call
 * that pulls context by reference), output up to the request's max tokens times n.
 */
import { LLMock } from '@copilotkit/aimock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from './handle';
import { appRequest, makeGrant, makeKit, makeReplayer, ORIGIN, REAL_KEY, REPLAY_PATH, type Kit, type Replay, type Replayer } from './test-kit';

let mock: LLMock;
let replay: Replayer;

beforeAll(async () => {
  replay = makeReplayer();
  mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys: [REAL_KEY] } });
  mock.mount(REPLAY_PATH, replay);
  await mock.start();
});
afterAll(() => mock.stop());

type Mode = 'stream' | 'json' | 'no-usage' | 'cut' | 'abort' | 'error';

interface Plan {
  mode: Mode;
  /** Pull context by reference (/responses with previous_response_id). */
  byReference: boolean;
  pad: number;
  maxTokens: number;
  n: number;
  /** Share of the largest possible input and output the upstream reports. */
  inShare: number;
  outShare: number;
  /** For cuts: how many events get through. */
  cutAt: number;
}

const GPT4O_WINDOW = 128_000;

const planArb: fc.Arbitrary<Plan> = fc.record({
  mode: fc.constantFrom<Mode>('stream', 'json', 'no-usage', 'cut', 'abort', 'error'),
  byReference: fc.boolean(),
  pad: fc.integer({ min: 0, max: 4000 }),
  maxTokens: fc.integer({ min: 1, max: 4000 }),
  n: fc.integer({ min: 1, max: 3 }),
  inShare: fc.double({ min: 0, max: 1, noNaN: true }),
  outShare: fc.double({ min: 0, max: 1, noNaN: true }),
  cutAt: fc.integer({ min: 0, max: 6 }),
});

const DIRECTIVE = /plan:(\{[^}]*\})/;

/** OpenAI's answer for a planned call, streamed or whole, with usage a provider could report. */
function answer(received: string): Replay {
  const json = JSON.parse(received) as { input?: string; messages?: { content: string }[]; stream?: boolean };
  const text = json.input ?? json.messages?.[0]?.content ?? '';
  const plan = JSON.parse(DIRECTIVE.exec(text)?.[1] ?? '{}') as Plan;
  const responses = json.input !== undefined;
  const maxIn = plan.byReference ? GPT4O_WINDOW : received.length;
  const usage = {
    input: Math.floor(plan.inShare * maxIn),
    output: Math.floor(plan.outShare * plan.maxTokens * (responses ? 1 : plan.n)),
  };
  if (plan.mode === 'error') return { status: 500, contentType: 'application/json', body: '{"error":{"message":"boom","type":"server_error"}}' };
  const chatUsage = { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
  const respUsage = { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output };
  if (json.stream !== true) {
    const body = responses
      ? { id: 'resp_1', object: 'response', status: 'completed', output: [], ...(plan.mode === 'no-usage' ? {} : { usage: respUsage }) }
      : { id: 'c1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], ...(plan.mode === 'no-usage' ? {} : { usage: chatUsage }) };
    return { contentType: 'application/json', body: JSON.stringify(body) };
  }
  const events: string[] = responses
    ? [
        `event: response.created\ndata: ${JSON.stringify({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress', usage: null } })}`,
        ...Array.from({ length: 3 }, () => `event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', delta: 'word ' })}`),
        ...(plan.mode === 'no-usage' ? [] : [`event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', response: { id: 'resp_1', status: 'completed', usage: respUsage } })}`]),
      ]
    : [
        ...Array.from({ length: 3 }, () => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'word ' }, finish_reason: null }], usage: null })}`),
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: null })}`,
        ...(plan.mode === 'no-usage' ? [] : [`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: chatUsage })}`]),
        'data: [DONE]',
      ];
  const body = events.map((e) => `${e}\n\n`).join('');
  if (plan.mode === 'cut') return { body, cutAfterEvents: plan.cutAt };
  if (plan.mode === 'abort') return { body, stallAfterEvents: Math.min(plan.cutAt, 2) };
  return { body };
}

async function run(kit: Kit, token: string, plan: Plan): Promise<void> {
  const text = `plan:${JSON.stringify(plan)} ${'x'.repeat(plan.pad)}`;
  const stream = plan.mode === 'cut' || plan.mode === 'abort' || plan.pad % 2 === 0;
  const json = plan.byReference
    ? { model: 'gpt-4o', previous_response_id: 'resp_prev', input: text, max_output_tokens: plan.maxTokens, stream }
    : { model: 'gpt-4o', messages: [{ role: 'user', content: text }], max_tokens: plan.maxTokens, n: plan.n, stream };
  const abort = new AbortController();
  const response = await handle(
    appRequest('openai', plan.byReference ? '/responses' : '/chat/completions', { json, headers: { authorization: `Bearer ${token}` }, signal: abort.signal }),
    { origin: ORIGIN },
    kit.deps,
  );
  if (plan.mode !== 'abort' || response.status !== 200) {
    await response.text().catch(() => '');
    return;
  }
  // The app reads a little (if anything comes), then gives up.
  const reader = response.body!.getReader();
  const first = reader.read().catch(() => undefined);
  await Promise.race([first, new Promise((resolve) => setTimeout(resolve, 5))]);
  abort.abort();
  await first;
  await reader.read().catch(() => undefined);
}

let worstOverrunUsd = 0;
/** Calls that were admitted and billed, over every run: the property must not hold vacuously. */
let billedCalls = 0;

describe('spend under a limit, whatever the app does', () => {
  it('never records spend above the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.array(fc.array(planArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        async (limit, bursts) => {
          const kit = makeKit(mock.url);
          kit.keys.set('openai', { kind: 'openai', baseUrl: `${mock.url}${REPLAY_PATH}/v1`, secret: REAL_KEY });
          replay.respondWith(answer);
          const grant = makeGrant([{ provider: 'openai', limits: { daily_spend: limit } }]);
          const token = kit.grant(grant);
          for (const burst of bursts) await Promise.all(burst.map((plan) => run(kit, token, plan)));
          await kit.ledger.flush();
          billedCalls += kit.usage.rows.filter((row) => (row.costUsd ?? 0) > 0).length;
          const snapshot = await kit.ledger.snapshot(grant.id, 'openai', kit.clock.now);
          const recorded = kit.usage.rows.reduce((sum, row) => sum + (row.costUsd ?? 0), 0);
          worstOverrunUsd = Math.max(worstOverrunUsd, (snapshot?.daySpentUsd ?? 0) - limit, recorded - limit);
          expect(snapshot?.dayReservedUsd).toBe(0);
          expect(snapshot?.daySpentUsd ?? 0).toBeLessThanOrEqual(limit + 1e-9);
          expect(recorded).toBeLessThanOrEqual(limit + 1e-9);
        },
      ),
      { numRuns: 40 },
    );
    // The figure for the note: the worst overrun over every run (0 = never above).
    console.info(`worst-case overrun over the limit: ${Math.max(0, worstOverrunUsd)} USD (${billedCalls} billed calls)`);
    expect(worstOverrunUsd).toBeLessThanOrEqual(1e-9);
    expect(billedCalls).toBeGreaterThan(40);
  }, 120_000);
});
