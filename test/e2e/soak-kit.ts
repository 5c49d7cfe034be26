// The soak's plan and its in-page call runner (see soak.test.ts): a seeded mix of calls, the stop
// schedule, and the function an app page runs each call with, through the official SDKs.
import type { Page } from 'puppeteer-core';

export const SEED = Number(process.env.SOAK_SEED ?? 1313);
export const ROUNDS = 30;
export const PER_ROUND = 10;
export const PROVIDERS = ['openai', 'anthropic', 'google'] as const;
export type Provider = (typeof PROVIDERS)[number];
export type Kind = 'plain' | 'slow' | 'cut' | 'trunc';
export type Stop = 'after-admission' | 'mid-stream' | 'random';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows and grants come back from the page as JSON checked with expect
export type Json = any;

/** mulberry32: small, seeded, good enough to shuffle a test. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CallSpec {
  id: number;
  site: 'a' | 'b';
  provider: Provider;
  model: string;
  stream: boolean;
  kind: Kind;
  abortAfterMs?: number;
  /** The page's grant to use; default the one for the provider. */
  grant?: string;
}

/** Limits per site and provider: each kind of limit is hit during the run. */
export const LIMITS: Record<'a' | 'b', Record<Provider, Record<string, number>>> = {
  a: { openai: { daily_spend: 0.2, requests_per_minute: 30 }, anthropic: { daily_spend: 0.2, requests_per_minute: 8 }, google: { monthly_spend: 0.2 } },
  b: { openai: { monthly_spend: 0.2, requests_per_day: 1000 }, anthropic: { daily_spend: 0.2 }, google: { daily_spend: 0.012 } },
};

export function plan(random: () => number): { calls: CallSpec[][]; stops: (Stop | undefined)[] } {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let id = 0;
  const calls: CallSpec[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round: CallSpec[] = [];
    for (let i = 0; i < PER_ROUND; i++) {
      const provider = pick(PROVIDERS);
      const kind = pick<Kind>(['plain', 'plain', 'slow', 'slow', 'cut', 'trunc']);
      const spec: CallSpec = {
        id: ++id,
        site: random() < 0.5 ? 'a' : 'b',
        provider,
        // One model name per call: how a journal entry and a usage row are matched.
        model: `soak-${provider[0]}-${String(id).padStart(4, '0')}`,
        stream: kind === 'cut' || kind === 'trunc' || random() < 0.5,
        kind,
      };
      if (random() < 0.12) spec.abortAfterMs = 50 + Math.floor(random() * 600);
      round.push(spec);
    }
    calls.push(round);
  }
  // 12 stops over 30 rounds, four of each sort, at seeded rounds.
  const sorts: Stop[] = ['after-admission', 'mid-stream', 'random'];
  const stops: (Stop | undefined)[] = Array.from({ length: ROUNDS }, () => undefined);
  const rounds = Array.from({ length: ROUNDS - 2 }, (_, i) => i + 1).sort(() => random() - 0.5).slice(0, 12);
  rounds.forEach((r, i) => (stops[r] = sorts[i % 3]));
  return { calls, stops };
}

/** Installs the call runner in an app page: the SDKs as apps use them, with an abort and a safety deadline. */
export async function installRunner(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Json;
    w.soakCall = async (spec: CallSpec) => {
      const grant = w.grants[spec.grant ?? spec.provider];
      const controller = new AbortController();
      const abort = spec.abortAfterMs ? setTimeout(() => controller.abort(), spec.abortAfterMs) : undefined;
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<string>((resolve) => {
        deadline = setTimeout(() => {
          controller.abort();
          resolve('hung');
        }, 45_000);
      });
      const content = `${spec.kind} call ${spec.id}`;
      const drain = async (stream: AsyncIterable<unknown>) => {
        for await (const _ of stream) void _;
      };
      const work = (async () => {
        try {
          if (spec.provider === 'openai') {
            const result = await w.sdk.clients
              .openai(grant)
              .chat.completions.create({ model: spec.model, max_tokens: 200, stream: spec.stream, messages: [{ role: 'user', content }] }, { signal: controller.signal });
            if (spec.stream) await drain(result);
          } else if (spec.provider === 'anthropic') {
            const result = await w.sdk.clients
              .anthropic(grant)
              .messages.create({ model: spec.model, max_tokens: 200, stream: spec.stream, messages: [{ role: 'user', content }] }, { signal: controller.signal });
            if (spec.stream) await drain(result);
          } else {
            const params = { model: spec.model, contents: content, config: { maxOutputTokens: 200, abortSignal: controller.signal } };
            const models = w.sdk.clients.google(grant).models;
            if (spec.stream) await drain(await models.generateContentStream(params));
            else await models.generateContent(params);
          }
          return 'ok';
        } catch (e) {
          const d = w.sdk.describeError(e);
          return `${d.error}${d.status ? ` ${d.status}` : ''}${d.code ? ` ${d.code}` : ''}`;
        }
      })();
      const outcome = await Promise.race([work, hung]);
      clearTimeout(abort);
      clearTimeout(deadline);
      return outcome;
    };
  });
}

