import { describe, expect, it } from 'vitest';
import { anthropic } from './anthropic';
import { fixtureJson, streamUsageOf } from './fixtures';

const none = new URLSearchParams();
const url = new URL('https://okap.invalid/v1/anthropic/v1/messages');

describe('anthropic adapter', () => {
  describe('route', () => {
    it.each(['/v1/messages', '/messages'])('maps POST %s (SDK and raw-client form) to /v1/messages', (path) => {
      expect(anthropic.route('POST', path, none, { model: 'claude-sonnet-4-20250514', max_tokens: 1024, stream: true })).toEqual({
        upstreamPath: '/v1/messages',
        capability: 'chat',
        model: 'claude-sonnet-4-20250514',
        stream: true,
        kind: 'call',
        reportsUsage: true,
      });
    });

    it.each(['/v1/messages/count_tokens', '/messages/count_tokens'])('covers POST %s', (path) => {
      expect(anthropic.route('POST', path, new URLSearchParams('beta=true'), { model: 'claude-3-5-haiku-20241022' })).toEqual({
        upstreamPath: '/v1/messages/count_tokens?beta=true',
        capability: 'chat',
        model: 'claude-3-5-haiku-20241022',
        stream: false,
        kind: 'call',
      });
    });

    it('covers the models list and one model', () => {
      expect(anthropic.route('GET', '/v1/models', new URLSearchParams('limit=20'), undefined)).toEqual({
        upstreamPath: '/v1/models?limit=20',
        capability: 'models',
        stream: false,
        kind: 'models-list',
      });
      expect(anthropic.route('GET', '/models', none, undefined)?.upstreamPath).toBe('/v1/models');
      expect(anthropic.route('GET', '/v1/models/claude-opus-4-20250514', none, undefined)).toEqual({
        upstreamPath: '/v1/models/claude-opus-4-20250514',
        capability: 'models',
        model: 'claude-opus-4-20250514',
        stream: false,
        kind: 'model-retrieve',
      });
    });

    it.each([
      ['POST', '/v1/messages/batches'],
      ['GET', '/v1/messages/batches'],
      ['POST', '/v1/files'],
      ['POST', '/v1/complete'],
      ['GET', '/v1/messages'],
      ['POST', '/v1/models'],
      ['POST', '/v1/v1/messages'],
      ['POST', '/v2/messages'],
      ['GET', '/v1/models/a%2F..%2Ffiles'],
      ['POST', '/v1/organizations/api_keys'],
    ])('does not cover %s %s', (method, path) => {
      expect(anthropic.route(method, path, none, { model: 'claude-sonnet-4-20250514' })).toBeUndefined();
    });
  });

  it('reads the token from x-api-key and from Authorization: Bearer', () => {
    expect(anthropic.readToken(new Headers({ 'x-api-key': 'okap_a' }), url)).toBe('okap_a');
    expect(anthropic.readToken(new Headers({ authorization: 'Bearer okap_b' }), url)).toBe('okap_b');
    expect(anthropic.readToken(new Headers({ 'x-api-key': 'okap_a', authorization: 'Bearer okap_b' }), url)).toBe('okap_a');
    expect(anthropic.readToken(new Headers({ 'x-goog-api-key': 'okap_c' }), url)).toBeUndefined();
    expect(anthropic.readToken(new Headers(), url)).toBeUndefined();
  });

  it('upstream headers drop client credentials, set x-api-key and keep the client’s version', () => {
    const headers = anthropic.upstreamHeaders(
      new Headers({
        'x-api-key': 'okap_token',
        authorization: 'Bearer okap_token',
        'anthropic-version': '2023-01-01',
        'anthropic-beta': 'prompt-caching-2024-07-31',
        origin: 'https://app.example',
        cookie: 'a=b',
        'content-type': 'application/json',
      }),
      'sk-ant-real',
    );
    expect(headers.get('x-api-key')).toBe('sk-ant-real');
    expect(headers.has('authorization')).toBe(false);
    expect(headers.has('origin')).toBe(false);
    expect(headers.has('cookie')).toBe(false);
    expect(headers.get('anthropic-version')).toBe('2023-01-01');
    expect(headers.get('anthropic-beta')).toBe('prompt-caching-2024-07-31');
    expect(headers.get('content-type')).toBe('application/json');

    const defaulted = anthropic.upstreamHeaders(new Headers({ authorization: 'Bearer okap_token' }), 'sk-ant-real');
    expect(defaulted.get('anthropic-version')).toBe('2023-06-01');
    expect(defaulted.get('anthropic-dangerous-direct-browser-access')).toBe('true');
  });

  it('has no body changes and reads max_tokens', () => {
    expect(anthropic.prepareBody).toBeUndefined();
    const route = anthropic.route('POST', '/v1/messages', none, {})!;
    expect(anthropic.inspect(route, { max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } })).toMatchObject({ maxOutputPerAnswer: 4096, answers: 1 });
    expect(anthropic.inspect(route, {}).maxOutputPerAnswer).toBeUndefined();
  });

  describe('usage', () => {
    it('from a message: the prompt includes the cache parts', () => {
      expect(anthropic.usageFromJson(fixtureJson('anthropic-message.json'))).toEqual({
        inputTokens: 2095,
        outputTokens: 503,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
      expect(anthropic.usageFromJson({ input_tokens: 12 })).toBeUndefined();
    });

    it.each([undefined, 1, 9, 100])('from message_start + message_delta (chunks of %s bytes)', (size) => {
      expect(streamUsageOf(anthropic, 'anthropic-messages-stream.txt', size)).toEqual({
        inputTokens: 14 + 2051 + 4096,
        outputTokens: 15,
        cacheReadTokens: 4096,
        cacheWriteTokens: 2051,
      });
    });

    it('takes the last cumulative message_delta, input included', () => {
      expect(streamUsageOf(anthropic, 'anthropic-messages-stream-cumulative.txt', 5)).toEqual({
        inputTokens: 472,
        outputTokens: 89,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      });
    });

    it('reports what message_start said when the stream was cut off', () => {
      const reader = anthropic.streamUsage();
      reader.push({ event: 'message_start', data: '{"type":"message_start","message":{"usage":{"input_tokens":30,"output_tokens":1}}}' });
      reader.push({ event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}' });
      expect(reader.usage()).toEqual({ inputTokens: 30, outputTokens: 1 });
      expect(anthropic.streamUsage().usage()).toBeUndefined();
    });
  });

  it('errorBody keeps Anthropic’s type for the status and adds the OKAP type', () => {
    expect(anthropic.errorBody(401, 'token_revoked', 'This OKAP token has been revoked')).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'This OKAP token has been revoked', okap_error: 'token_revoked' },
    });
    const typeOf = (status: number) => (anthropic.errorBody(status, 'x', 'm') as { error: { type: string } }).error.type;
    expect(typeOf(403)).toBe('permission_error');
    expect(typeOf(429)).toBe('rate_limit_error');
    expect(typeOf(503)).toBe('api_error');
    expect(typeOf(400)).toBe('invalid_request_error');
  });

  it('filterModels keeps only allowed models and the pagination cursors', () => {
    const filtered = anthropic.filterModels(fixtureJson('anthropic-models.json'), (m) => m.includes('sonnet')) as {
      data: { id: string }[];
      has_more: boolean;
      last_id: string;
    };
    expect(filtered.data.map((m) => m.id)).toEqual(['claude-sonnet-4-20250514']);
    expect(filtered.has_more).toBe(true);
    expect(filtered.last_id).toBe('claude-3-5-haiku-20241022');
  });

  it('keyCheckRequest lists models with the key and a version', () => {
    const req = anthropic.keyCheckRequest('', 'sk-ant-real');
    expect(req.url).toBe('https://api.anthropic.com/v1/models');
    expect(req.method).toBe('GET');
    expect(req.headers.get('x-api-key')).toBe('sk-ant-real');
    expect(req.headers.get('anthropic-version')).toBe('2023-06-01');
    expect(anthropic.keyCheckRequest('http://127.0.0.1:4010/', 'k').url).toBe('http://127.0.0.1:4010/v1/models');
  });
});
