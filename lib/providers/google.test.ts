import { describe, expect, it } from 'vitest';
import { google } from './google';
import { fixtureJson, fixtureText, streamUsageOf } from './fixtures';

const none = new URLSearchParams();

describe('google adapter', () => {
  describe('route', () => {
    it.each([
      ['generateContent', 'chat'],
      ['countTokens', 'chat'],
      ['embedContent', 'embeddings'],
      ['batchEmbedContents', 'embeddings'],
    ])('covers POST :%s as %s', (method, capability) => {
      for (const version of ['v1beta', 'v1']) {
        expect(google.route('POST', `/${version}/models/gemini-2.5-flash:${method}`, none, {})).toEqual({
          upstreamPath: `/${version}/models/gemini-2.5-flash:${method}`,
          capability,
          model: 'gemini-2.5-flash',
          stream: false,
          kind: 'call',
          ...(method === 'generateContent' ? { reportsUsage: true } : {}),
        });
      }
    });

    it('streams streamGenerateContent with alt=sse and strips key= from the upstream query', () => {
      expect(
        google.route('POST', '/v1beta/models/gemini-2.5-pro:streamGenerateContent', new URLSearchParams('alt=sse&key=okap_x'), {}),
      ).toEqual({
        upstreamPath: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
        capability: 'chat',
        model: 'gemini-2.5-pro',
        stream: true,
        kind: 'call',
        reportsUsage: true,
      });
      expect(google.route('POST', '/v1beta/models/gemini-2.5-pro:streamGenerateContent', none, {})?.stream).toBe(false);
      expect(google.route('POST', '/v1beta/models/gemini-2.0-flash%3AgenerateContent', none, {})?.upstreamPath).toBe(
        '/v1beta/models/gemini-2.0-flash:generateContent',
      );
    });

    it('covers the models list and one model', () => {
      expect(google.route('GET', '/v1beta/models', new URLSearchParams('pageSize=50&key=okap_x'), undefined)).toEqual({
        upstreamPath: '/v1beta/models?pageSize=50',
        capability: 'models',
        stream: false,
        kind: 'models-list',
      });
      expect(google.route('GET', '/v1/models/gemini-2.0-flash', none, undefined)).toEqual({
        upstreamPath: '/v1/models/gemini-2.0-flash',
        capability: 'models',
        model: 'gemini-2.0-flash',
        stream: false,
        kind: 'model-retrieve',
      });
    });

    it.each([
      ['POST', '/v1beta/models/gemini-2.5-flash:predict'],
      ['POST', '/v1beta/models/gemini-2.5-flash:batchGenerateContent'],
      ['POST', '/v1beta/models/gemini-2.5-flash:constructor'],
      ['GET', '/v1beta/models/gemini-2.5-flash:generateContent'],
      ['POST', '/v1beta/models'],
      ['POST', '/v1beta/files'],
      ['POST', '/upload/v1beta/files'],
      ['POST', '/v1beta/cachedContents'],
      ['POST', '/v1beta/tunedModels/my-model:generateContent'],
      ['POST', '/v1alpha/models/gemini-2.5-flash:generateContent'],
      ['POST', '/models/gemini-2.5-flash:generateContent'],
      ['POST', '/v1beta/models/..%2Ffiles:generateContent'],
      ['GET', '/v1beta/models/a%2Fb'],
    ])('does not cover %s %s', (method, path) => {
      expect(google.route(method, path, none, {})).toBeUndefined();
    });
  });

  it('reads the token from x-goog-api-key, or from ?key= only when asked to', () => {
    const plain = new URL('https://okap.invalid/v1/google/v1beta/models');
    expect(google.tokenInQuery).toBe(true);
    expect(google.readToken(new Headers({ 'x-goog-api-key': 'okap_a' }), plain)).toBe('okap_a');
    expect(google.readToken(new Headers(), new URL('https://okap.invalid/v1/google/v1beta/models?key=okap_b'))).toBeUndefined();
    expect(google.readToken(new Headers(), new URL('https://okap.invalid/v1/google/v1beta/models?key=okap_b'), true)).toBe('okap_b');
    expect(
      google.readToken(new Headers({ 'x-goog-api-key': 'okap_a' }), new URL('https://okap.invalid/v1/google/v1beta/models?key=okap_b'), true),
    ).toBe('okap_a');
    expect(google.readToken(new Headers({ authorization: 'Bearer okap_c' }), plain)).toBeUndefined();
  });

  it('upstream headers drop client credentials and set x-goog-api-key', () => {
    const headers = google.upstreamHeaders(
      new Headers({ 'x-goog-api-key': 'okap_a', authorization: 'Bearer okap_a', 'x-goog-api-client': 'google-genai-sdk/1.0', origin: 'https://app.example' }),
      'AIza-real',
    );
    expect(headers.get('x-goog-api-key')).toBe('AIza-real');
    expect(headers.has('authorization')).toBe(false);
    expect(headers.has('origin')).toBe(false);
    expect(headers.get('x-goog-api-client')).toBe('google-genai-sdk/1.0');
  });

  it('inspect reads generationConfig in either case and counts candidates', () => {
    const route = google.route('POST', '/v1beta/models/gemini-2.5-flash:generateContent', new URLSearchParams(), {})!;
    expect(google.inspect(route, { generationConfig: { maxOutputTokens: 800 } })).toMatchObject({ maxOutputPerAnswer: 800, answers: 1 });
    expect(google.inspect(route, { generation_config: { max_output_tokens: 800, candidate_count: 2 } })).toMatchObject({ maxOutputPerAnswer: 800, answers: 2 });
    expect(google.inspect(route, { contents: [] }).maxOutputPerAnswer).toBeUndefined();
    expect(google.inspect(route, { generationConfig: { maxOutputTokens: 10, max_output_tokens: 9000, candidateCount: 1, candidate_count: 4 } })).toMatchObject({ maxOutputPerAnswer: 9000, answers: 4 });
    expect(google.inspect(route, { generationConfig: {}, generation_config: { max_output_tokens: 9 } }).refusal?.type).toBe('invalid_request');
  });

  describe('usage', () => {
    it('from a generateContent response', () => {
      expect(google.usageFromJson(fixtureJson('gemini-generate.json'))).toEqual({ inputTokens: 8, outputTokens: 10 });
    });

    it.each([undefined, 1, 3, 77])('from the last usageMetadata of a stream, thoughts billed as output (chunks of %s bytes)', (size) => {
      expect(streamUsageOf(google, 'gemini-stream.txt', size)).toEqual({
        inputTokens: 1211,
        outputTokens: 14 + 208,
        cacheReadTokens: 1024,
        reasoningTokens: 208,
      });
    });

    it('from the JSON array of a non-SSE streamGenerateContent', () => {
      const chunks = fixtureText('gemini-stream.txt')
        .split('\r\n\r\n')
        .filter((s) => s.length > 0)
        .map((s) => JSON.parse(s.replace(/^data: /, '')) as unknown);
      expect(google.usageFromJson(chunks)).toEqual({ inputTokens: 1211, outputTokens: 222, cacheReadTokens: 1024, reasoningTokens: 208 });
    });

    it('counts tool-use prompt tokens as input, and none from embeddings or counts', () => {
      expect(
        google.usageFromJson({ usageMetadata: { promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 3 } }),
      ).toEqual({ inputTokens: 15, outputTokens: 3 });
      expect(google.usageFromJson({ embedding: { values: [0.1] } })).toBeUndefined();
      expect(google.usageFromJson({ totalTokens: 31 })).toBeUndefined();
    });
  });

  it('errorBody uses Google’s shape with a gRPC status and the OKAP type in an ErrorInfo', () => {
    expect(google.errorBody(403, 'model_not_granted', 'Model gemini-2.5-pro is not granted')).toEqual({
      error: {
        code: 403,
        message: 'Model gemini-2.5-pro is not granted',
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'MODEL_NOT_GRANTED',
            domain: 'okap',
            metadata: { okap_error: 'model_not_granted' },
          },
        ],
      },
    });
    const statusOf = (status: number) => (google.errorBody(status, 'x', 'm') as { error: { status: string } }).error.status;
    expect([statusOf(401), statusOf(429), statusOf(503)]).toEqual(['UNAUTHENTICATED', 'RESOURCE_EXHAUSTED', 'UNAVAILABLE']);
  });

  it('filterModels matches names without the models/ prefix', () => {
    const filtered = google.filterModels(fixtureJson('gemini-models.json'), (m) => m === 'gemini-2.5-flash') as {
      models: { name: string }[];
      nextPageToken: string;
    };
    expect(filtered.models.map((m) => m.name)).toEqual(['models/gemini-2.5-flash']);
    expect(filtered.nextPageToken).toBeTruthy();
  });

  it('keyCheckRequest lists models with the key', () => {
    const req = google.keyCheckRequest('', 'AIza-real');
    expect(req.url).toBe('https://generativelanguage.googleapis.com/v1beta/models');
    expect(req.headers.get('x-goog-api-key')).toBe('AIza-real');
    expect(google.keyCheckRequest('http://localhost:4010/', 'k').url).toBe('http://localhost:4010/v1beta/models');
  });
});
