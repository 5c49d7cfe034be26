import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeShorthand } from '../protocol';
import { ApprovalQueue } from './queue';

const request = normalizeShorthand({ provider: 'openai' });

afterEach(() => vi.useRealTimers());

describe('approval queue', () => {
  it('queues requests from several origins and resolves each with its decision', async () => {
    const queue = new ApprovalQueue<string>();
    const a = queue.submit('https://a.example', request).outcome;
    const b = queue.submit('https://b.example', request).outcome;
    const [first, second] = queue.list();
    expect([first?.origin, second?.origin]).toEqual(['https://a.example', 'https://b.example']);
    queue.approve(first!.id, 'grant-a');
    queue.deny(second!.id);
    expect(await a).toEqual({ approved: 'grant-a' });
    expect(await b).toMatchObject({ error: { code: 'user_denied', response: { status: 'denied' } } });
    expect(queue.size).toBe(0);
  });

  it('allows one pending request per origin', async () => {
    const queue = new ApprovalQueue<string>();
    void queue.submit('https://a.example', request).outcome;
    expect(await queue.submit('https://a.example', request).outcome).toMatchObject({ error: { code: 'already_pending' } });
    expect(queue.size).toBe(1);
  });

  it('takes one waiting request per tab from its cross-origin frames, whatever their origins', async () => {
    const queue = new ApprovalQueue<string>();
    void queue.submit('https://ad1.example', request, { crossOriginFrame: true, tabId: 7 }).outcome;
    expect(await queue.submit('https://ad2.example', request, { crossOriginFrame: true, tabId: 7 }).outcome).toMatchObject({
      error: { code: 'already_pending' },
    });
    void queue.submit('https://ad2.example', request, { crossOriginFrame: true, tabId: 8 }).outcome;
    void queue.submit('https://top.example', request, { tabId: 7 }).outcome;
    expect(queue.list().map((p) => p.origin)).toEqual(['https://ad1.example', 'https://ad2.example', 'https://top.example']);
  });

  it('blocks an origin for 60 s after three denials within 30 s', async () => {
    let now = 0;
    const queue = new ApprovalQueue<string>({ now: () => now });
    for (let i = 0; i < 3; i++) {
      const pending = queue.submit('https://a.example', request).outcome;
      now += 5_000;
      queue.deny(queue.list()[0]!.id);
      await pending;
    }
    expect(await queue.submit('https://a.example', request).outcome).toMatchObject({ error: { code: 'throttled' } });
    now += 60_001;
    void queue.submit('https://a.example', request).outcome;
    expect(queue.list().some((p) => p.origin === 'https://a.example')).toBe(true);
  });

  it('denials spread over more than 30 s do not throttle', async () => {
    let now = 0;
    const queue = new ApprovalQueue<string>({ now: () => now });
    for (let i = 0; i < 3; i++) {
      const pending = queue.submit('https://a.example', request).outcome;
      now += 20_000;
      queue.deny(queue.list()[0]!.id);
      await pending;
    }
    void queue.submit('https://a.example', request).outcome;
    expect(queue.size).toBe(1);
  });

  it('denies with timeout after 10 minutes unanswered', async () => {
    vi.useFakeTimers();
    const queue = new ApprovalQueue<string>();
    const pending = queue.submit('https://a.example', request).outcome;
    vi.advanceTimersByTime(10 * 60_000);
    expect(await pending).toMatchObject({ error: { code: 'timeout' } });
    expect(queue.size).toBe(0);
  });

  it('a request being approved cannot be denied, closed or approved again meanwhile', async () => {
    const queue = new ApprovalQueue<string>();
    const { id, outcome } = queue.submit('https://a.example', request);
    expect(queue.claim(id!)).toMatchObject({ origin: 'https://a.example' });
    expect(queue.claim(id!)).toBeUndefined();
    expect(queue.deny(id!)).toBe(false);
    queue.denyAll();
    expect(queue.approve(id!, 'grant')).toBe(true);
    expect(await outcome).toEqual({ approved: 'grant' });
  });

  it('a released claim can be denied again', async () => {
    const queue = new ApprovalQueue<string>();
    const { id, outcome } = queue.submit('https://a.example', request);
    queue.claim(id!);
    queue.release(id!);
    expect(queue.deny(id!)).toBe(true);
    expect(await outcome).toMatchObject({ error: { code: 'user_denied' } });
  });

  it('closing the window denies everything waiting', async () => {
    const queue = new ApprovalQueue<string>();
    const pending = [queue.submit('https://a.example', request).outcome, queue.submit('https://b.example', request).outcome];
    queue.denyAll();
    for (const outcome of await Promise.all(pending)) expect(outcome).toMatchObject({ error: { code: 'user_denied' } });
  });
});
