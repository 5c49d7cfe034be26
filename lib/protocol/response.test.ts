import { describe, expect, it } from 'vitest';
import {
  deniedResponse,
  deniedResponseSchema,
  grantedResponse,
  grantedResponseSchema,
  isOkapToken,
  okapResponseSchema,
  type GrantedAuthorizationDetail,
} from './response';

const TOKEN = `okap_${'A'.repeat(40)}-_9`;

const granted: GrantedAuthorizationDetail = {
  type: 'ai_model_access',
  provider: 'openai',
  models: ['gpt-4o'],
  capabilities: ['chat'],
  limits: { monthly_spend: 10, requests_per_minute: 60 },
  base_url: 'https://okap.invalid/v1/openai',
  expires: '2025-03-01T00:00:00.000Z',
};

describe('grantedResponse', () => {
  it('builds the spec §4.1 shape', () => {
    const response = grantedResponse(TOKEN, [granted]);
    expect(response).toEqual({ okap: '1.0', status: 'granted', token: TOKEN, authorization_details: [granted] });
    expect(grantedResponseSchema.safeParse(response).success).toBe(true);
    expect(okapResponseSchema.parse(response).status).toBe('granted');
  });

  it('copies only the spec fields, so nothing internal reaches the page', () => {
    const internal = { ...granted, grantId: 'g1', keyId: 'k1', limits: { monthly_spend: 1, spent: 0.3 } };
    const response = grantedResponse(TOKEN, [internal]);
    const [detail] = response.authorization_details;
    expect(detail).not.toBe(internal);
    expect(detail?.models).not.toBe(internal.models);
    expect(Object.keys(detail ?? {})).not.toContain('grantId');
    expect(detail?.limits).toEqual({ monthly_spend: 1 });
  });

  it('refuses anything that is not a token of this vault', () => {
    for (const token of ['sk-proj-abc', 'okap_short', `okap_${'A'.repeat(44)}`, `okap_${'A'.repeat(42)}=`]) {
      expect(isOkapToken(token)).toBe(false);
      expect(() => grantedResponse(token, [granted])).toThrow(TypeError);
    }
    expect(isOkapToken(TOKEN)).toBe(true);
  });

  it('reads other vaults’ responses with any printable okap_ token but holds the fields to the rules', () => {
    const other = { okap: '1.0', status: 'granted', token: 'okap_abc+/=', authorization_details: [granted] };
    expect(grantedResponseSchema.safeParse(other).success).toBe(true);
    expect(grantedResponseSchema.safeParse({ ...other, token: 'sk-abc' }).success).toBe(false);
    const noBase = { ...granted, base_url: 'javascript:alert(1)' };
    expect(grantedResponseSchema.safeParse({ ...other, authorization_details: [noBase] }).success).toBe(false);
  });
});

describe('deniedResponse', () => {
  it('builds the spec §4.2 shape with its default reason', () => {
    expect(deniedResponse()).toEqual({ okap: '1.0', status: 'denied', reason: 'User declined authorization request' });
    expect(deniedResponse('Vault locked').reason).toBe('Vault locked');
    expect(deniedResponseSchema.safeParse(deniedResponse()).success).toBe(true);
    expect(okapResponseSchema.parse(deniedResponse()).status).toBe('denied');
  });
});
