import { describe, expect, it } from 'vitest';
import { okapErrorBody, okapErrorBodySchema, OKAP_WIRE_ERROR_TYPES } from './errors';
import { isOkapErrorCode, okapError, toOkapError } from './okap-error';
import { deniedResponse } from './response';

describe('okapError', () => {
  it('makes a plain, structured-clonable object with only the given fields', () => {
    expect(okapError('timeout', 'No answer')).toEqual({ code: 'timeout', message: 'No answer' });
    const denied = okapError('user_denied', 'Denied', { response: deniedResponse() });
    expect(structuredClone(denied)).toEqual(denied);
    expect(okapError('invalid_request', 'bad', { path: 'provider' }).path).toBe('provider');
  });

  it('reads errors from across a bridge, turning anything malformed into internal_error', () => {
    const denied = okapError('user_denied', 'Denied', { response: deniedResponse() });
    expect(toOkapError(denied)).toEqual(denied);
    expect(toOkapError({ code: 'user_denied', message: 'x', extra: 'dropped' })).toEqual({ code: 'user_denied', message: 'x' });
    for (const bad of [null, 'boom', { code: 'nope', message: 'x' }, { code: 'timeout' }, Proxy.revocable({}, {}).proxy]) {
      expect(toOkapError(bad).code).toBe('internal_error');
    }
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(toOkapError(proxy).code).toBe('internal_error');
  });

  it('knows its codes', () => {
    expect(isOkapErrorCode('already_pending')).toBe(true);
    expect(isOkapErrorCode('token_revoked')).toBe(false);
    expect(isOkapErrorCode(1)).toBe(false);
  });
});

describe('okapErrorBody', () => {
  it('uses the spec’s wording for revoked and expired tokens', () => {
    expect(okapErrorBody('token_revoked')).toEqual({ error: { type: 'token_revoked', message: 'This OKAP token has been revoked' } });
    expect(okapErrorBody('token_expired')).toEqual({ error: { type: 'token_expired', message: 'This OKAP token has expired' } });
  });

  it('has a default message for every type, each valid under the schema', () => {
    for (const type of OKAP_WIRE_ERROR_TYPES) {
      const body = okapErrorBody(type);
      expect(body.error.message.length).toBeGreaterThan(0);
      expect(okapErrorBodySchema.parse(body)).toEqual(body);
    }
  });
});
