import { describe, expect, it } from 'vitest';
import { normalizeShorthand } from '../protocol';
import { defaultSettings } from '../vault/settings';
import { grantFlags, siteFlags } from './flags';
import type { PendingApproval } from './queue';
import { approvalView, type ViewContext } from './view';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

function view(shorthand: Parameters<typeof normalizeShorthand>[0], extra: Partial<ViewContext> = {}, origin = 'https://app.example') {
  const pending: PendingApproval = { id: 'r1', origin, request: normalizeShorthand(shorthand), createdAt: NOW };
  return approvalView(pending, {
    settings: { ...defaultSettings, defaultLimits: { monthly_spend: 10, requests_per_minute: 60 }, defaultExpiryDays: 30 },
    hasKey: () => true,
    hostFor: () => undefined,
    seenBefore: () => true,
    now: NOW,
    ...extra,
  });
}

describe('the approval window’s prefill: pages only tighten', () => {
  it('a limit the page did not name takes the person’s default', () => {
    const [detail] = view({ provider: 'openai', limits: { requests_per_minute: 5 } }).details;
    expect(detail!.limits).toEqual({ monthly_spend: 10, requests_per_minute: 5 });
  });

  it('a limit looser than the default is prefilled at the default', () => {
    const [detail] = view({ provider: 'openai', limits: { monthly_spend: 500, requests_per_minute: 1000, daily_spend: 2 } }).details;
    expect(detail!.limits).toEqual({ monthly_spend: 10, requests_per_minute: 60, daily_spend: 2 });
  });

  it('a far-future expiry is prefilled no later than the default; a sooner one is kept', () => {
    const [far] = view({ provider: 'openai', expires: '2099-01-01T00:00:00Z' }).details;
    expect(far!.expires).toBe(new Date(NOW + 30 * DAY).toISOString());
    const soon = new Date(NOW + 2 * DAY).toISOString();
    expect(view({ provider: 'openai', expires: soon }).details[0]!.expires).toBe(soon);
    expect(view({ provider: 'openai' }).details[0]!.expires).toBe(new Date(NOW + 30 * DAY).toISOString());
  });

  it('says whether the site was ever granted anything, and where an unknown provider id would go', () => {
    const first = view({ provider: 'mystery' }, { seenBefore: () => false, hostFor: (p) => (p === 'mystery' ? 'llm.attacker.example' : undefined) });
    expect(first.firstVisit).toBe(true);
    expect(first.details[0]!.reaches).toBe('llm.attacker.example');
    expect(view({ provider: 'openai' }).details[0]!.reaches).toBeUndefined();
  });
});

describe('risk flags, in words', () => {
  it('flags no spend limit, never expires and all models', () => {
    const ids = grantFlags({ requestedModels: [], limits: { requests_per_minute: 5 }, expires: null }).map((f) => f.id);
    expect(ids).toEqual(['no_spend_limit', 'never_expires', 'all_models']);
    for (const flag of grantFlags({ requestedModels: [], limits: {}, expires: null })) expect(flag.text.length).toBeGreaterThan(10);
    expect(grantFlags({ requestedModels: ['gpt-4o'], limits: { daily_spend: 1 }, expires: '2026-02-01T00:00:00.000Z' })).toEqual([]);
  });

  it('flags plain http off this machine and a first visit, not localhost', () => {
    expect(siteFlags({ origin: 'http://shop.example', firstVisit: true }).map((f) => f.id)).toEqual(['first_visit', 'plain_http']);
    for (const origin of ['http://localhost:5175', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'http://app.localhost', 'https://shop.example']) {
      expect(siteFlags({ origin, firstVisit: false })).toEqual([]);
    }
    expect(siteFlags({ origin: 'https://ad.example', firstVisit: false, crossOriginFrame: true }).map((f) => f.id)).toEqual(['cross_origin_frame']);
  });
});
