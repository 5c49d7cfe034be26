import { describe, expect, it } from 'vitest';
import { google } from '../providers/google';
import { openai } from '../providers/openai';
import { checkKey } from './key-check';

const answer = (status: number, body = '') => (async () => new Response(body, { status })) as typeof fetch;

describe('key check', () => {
  it('tells OK, invalid and unreachable apart', async () => {
    expect((await checkKey(openai, '', 'sk-x', answer(200, '{"data":[]}'))).result).toBe('ok');
    expect((await checkKey(openai, '', 'sk-x', answer(401))).result).toBe('invalid_key');
    expect((await checkKey(google, '', 'AIza-x', answer(400, '{"error":{"status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}'))).result).toBe('invalid_key');
    expect((await checkKey(openai, '', 'sk-x', answer(500))).result).toBe('error');
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    expect((await checkKey(openai, 'http://127.0.0.1:9/v1', 'sk-x', down)).result).toBe('unreachable');
  });
});
