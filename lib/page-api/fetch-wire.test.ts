import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../encoding/base64';
import { parseFetchCall, tokenOf, UNGRANTED_BODY_BYTES } from './fetch-wire';

const TOKEN = `okap_${'A'.repeat(43)}`;
const url = 'https://okap.invalid/v1/openai/chat/completions';
const head = { url, method: 'POST', headers: [['authorization', `Bearer ${TOKEN}`]] as [string, string][] };

describe('a page fetch is checked before its body is decoded', () => {
  it('refuses a large body without a live grant, without decoding it (or asking when there is no token)', async () => {
    // Not base64 at all: had it been decoded, the error would say so.
    const junk = '*'.repeat(UNGRANTED_BODY_BYTES * 2);
    const asked: string[] = [];
    const liveGrant = async (token: string) => (asked.push(token), false);
    const refused = await parseFetchCall({ ...head, body: junk }, liveGrant);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', path: 'body', message: expect.stringContaining('live grant') } });
    expect(asked).toEqual([TOKEN]);
    const anonymous = await parseFetchCall({ ...head, headers: [], body: junk }, liveGrant);
    expect(anonymous).toMatchObject({ ok: false, error: { message: expect.stringContaining('live grant') } });
    expect(asked).toHaveLength(1);
  });

  it('decodes a large body with a live grant, and a small one without asking', async () => {
    const big = new Uint8Array(UNGRANTED_BODY_BYTES * 2).fill(7);
    const granted = await parseFetchCall({ ...head, body: toBase64Url(big) }, async (token) => token === TOKEN);
    expect(granted.ok && granted.call.body?.length).toBe(big.length);
    let asked = false;
    const small = await parseFetchCall({ ...head, headers: [], body: toBase64Url(new Uint8Array(100)) }, async () => (asked = true));
    expect(small.ok && small.call.body?.length).toBe(100);
    expect(asked).toBe(false);
  });

  it('finds the token wherever the SDKs put it', () => {
    expect(tokenOf(url, [['x-api-key', TOKEN]])).toBe(TOKEN);
    expect(tokenOf(url, [['x-goog-api-key', TOKEN]])).toBe(TOKEN);
    expect(tokenOf(`${url}?key=${TOKEN}`, [])).toBe(TOKEN);
    expect(tokenOf(url, [['x-other', TOKEN]])).toBeUndefined();
  });

  it('still refuses URLs outside the vault host', async () => {
    expect(await parseFetchCall({ ...head, url: 'https://evil.example/v1' }, async () => true)).toMatchObject({ ok: false, error: { path: 'url' } });
  });
});
