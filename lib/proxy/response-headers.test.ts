import { describe, expect, it } from 'vitest';
import { anthropic } from '../providers/anthropic';
import { google } from '../providers/google';
import { openai, openaiCompatible } from '../providers/openai';
import { passOnHeaders } from './response-headers';

const upstream = () =>
  new Headers({
    'content-type': 'application/json',
    'content-length': '12',
    'set-cookie': 'session=owner',
    'x-request-id': 'req_1',
    'openai-organization': 'org-owner',
    'openai-project': 'proj_owner',
    'anthropic-organization-id': 'org-anthropic-owner',
  });

describe("what an app sees of the provider's response headers", () => {
  it.each([
    ['openai', openai, ['openai-organization', 'openai-project']],
    ['openai-compatible', openaiCompatible, ['openai-organization', 'openai-project']],
    ['anthropic', anthropic, ['anthropic-organization-id']],
  ] as const)("%s: never the key owner's account (the adapter names those headers)", (_name, adapter, owners) => {
    const seen = passOnHeaders(upstream(), adapter);
    for (const name of owners) expect(seen.has(name), name).toBe(false);
    expect(seen.get('x-request-id')).toBe('req_1');
    expect(seen.get('content-type')).toBe('application/json');
  });

  it('never framing or cookies, whatever the adapter', () => {
    for (const adapter of [openai, anthropic, google]) {
      const seen = passOnHeaders(upstream(), adapter);
      expect(seen.has('content-length')).toBe(false);
      expect(seen.has('set-cookie')).toBe(false);
    }
  });
});
