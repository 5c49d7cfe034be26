import { describe, expect, it } from 'vitest';
import { openai, openaiCompatible } from './openai';
import { fixtureJson, streamUsageOf } from './fixtures';
import type { Route } from './types';

const none = new URLSearchParams();

describe.each([openai, openaiCompatible])('$id adapter', (adapter) => {
  describe('route', () => {
    it.each([
      ['/chat/completions', 'chat'],
      ['/responses', 'chat'],
      ['/completions', 'chat'],
      ['/embeddings', 'embeddings'],
      ['/images/generations', 'images'],
      ['/images/edits', 'images'],
      ['/images/variations', 'images'],
      ['/audio/speech', 'audio'],
      ['/audio/transcriptions', 'audio'],
      ['/audio/translations', 'audio'],
      ['/moderations', 'moderation'],
    ])('covers POST %s as %s', (path, capability) => {
      const route = adapter.route('POST', path, none, { model: 'gpt-4o-mini', input: 'hi' });
      const reports = ['/chat/completions', '/responses', '/completions', '/embeddings'].includes(path);
      expect(route).toEqual<Route>({
        upstreamPath: path,
        capability: capability as Route['capability'],
        model: 'gpt-4o-mini',
        stream: false,
        kind: 'call',
        ...(reports ? { reportsUsage: true } : {}),
      });
    });

    it('reads stream from the body and forwards no query parameter', () => {
      const route = adapter.route('post', '/chat/completions', new URLSearchParams('api-version=2024-10-21&key=okap_x'), {
        model: 'gpt-4o',
        stream: true,
        messages: [],
      });
      expect(route).toMatchObject({ upstreamPath: '/chat/completions', stream: true, model: 'gpt-4o' });
      expect(adapter.route('POST', '/chat/completions', none, { model: 'gpt-4o', stream: 'yes' })?.stream).toBe(false);
    });

    it('accepts multipart calls without a parsed body, model unknown', () => {
      expect(adapter.route('POST', '/audio/transcriptions', none, undefined)).toEqual({
        upstreamPath: '/audio/transcriptions',
        capability: 'audio',
        model: undefined,
        stream: false,
        kind: 'call',
      });
    });

    it('covers the models list and one model', () => {
      expect(adapter.route('GET', '/models', none, undefined)).toEqual({
        upstreamPath: '/models',
        capability: 'models',
        stream: false,
        kind: 'models-list',
      });
      expect(adapter.route('GET', '/models/ft:gpt-4o-mini-2024-07-18:acme::B1x2y3z4', none, undefined)).toEqual({
        upstreamPath: '/models/ft%3Agpt-4o-mini-2024-07-18%3Aacme%3A%3AB1x2y3z4',
        capability: 'models',
        model: 'ft:gpt-4o-mini-2024-07-18:acme::B1x2y3z4',
        stream: false,
        kind: 'model-retrieve',
      });
    });

    it.each([
      ['POST', '/files'],
      ['GET', '/files'],
      ['POST', '/fine_tuning/jobs'],
      ['POST', '/batches'],
      ['POST', '/uploads'],
      ['POST', '/vector_stores'],
      ['POST', '/assistants'],
      ['POST', '/threads/runs'],
      ['GET', '/responses/resp_123'],
      ['DELETE', '/models/ft:gpt-4o:acme::x'],
      ['GET', '/chat/completions'],
      ['POST', '/models'],
      ['POST', '/chat/completions/'],
      ['POST', '/v1/chat/completions'],
      ['POST', '/constructor'],
      ['POST', '/__proto__'],
      ['GET', '/models/..%2Ffiles'],
      ['GET', '/models/a%2Fb'],
      ['GET', '/models/gpt-4o/extra'],
    ])('does not cover %s %s', (method, path) => {
      expect(adapter.route(method, path, none, { model: 'gpt-4o' })).toBeUndefined();
    });
  });

  it('reads the token from Authorization: Bearer only', () => {
    const url = new URL('https://okap.invalid/v1/openai/chat/completions');
    expect(adapter.readToken(new Headers({ Authorization: 'Bearer okap_abc' }), url)).toBe('okap_abc');
    expect(adapter.readToken(new Headers({ authorization: 'bearer okap_abc' }), url)).toBe('okap_abc');
    expect(adapter.readToken(new Headers({ 'x-api-key': 'okap_abc' }), url)).toBeUndefined();
    expect(adapter.readToken(new Headers({ authorization: 'Basic b2thcA==' }), url)).toBeUndefined();
    expect(adapter.readToken(new Headers(), url)).toBeUndefined();
  });

  it('upstream headers drop every client credential and set the real key', () => {
    const client = new Headers({
      authorization: 'Bearer okap_token',
      'x-api-key': 'okap_token',
      'x-goog-api-key': 'okap_token',
      'api-key': 'okap_token',
      cookie: 'session=1',
      origin: 'https://app.example',
      referer: 'https://app.example/page',
      host: 'okap.invalid',
      'content-length': '42',
      connection: 'keep-alive, x-hop',
      'x-hop': '1',
      'sec-fetch-site': 'cross-site',
      'content-type': 'application/json',
      'openai-organization': 'org-123',
      'openai-project': 'proj-1',
      'x-http-method-override': 'GET',
      'x-stainless-lang': 'js',
    });
    const headers = adapter.upstreamHeaders(client, 'sk-real');
    expect(headers.get('authorization')).toBe('Bearer sk-real');
    for (const name of ['x-api-key', 'x-goog-api-key', 'api-key', 'cookie', 'origin', 'referer', 'host', 'content-length', 'connection', 'x-hop', 'sec-fetch-site', 'openai-project', 'x-http-method-override']) {
      expect(headers.has(name), name).toBe(false);
    }
    expect(headers.get('content-type')).toBe('application/json');
    // Another organisation of the key is never the app's to bill.
    expect(headers.has('openai-organization')).toBe(false);
    expect(headers.get('x-stainless-lang')).toBe('js');
    expect(client.get('authorization')).toBe('Bearer okap_token');
  });

  describe('prepareBody', () => {
    const chat = adapter.route('POST', '/chat/completions', none, { model: 'gpt-4o', stream: true })!;

    it('asks chat streams for usage', () => {
      const body = { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] };
      expect(adapter.prepareBody?.(chat, body)).toEqual({ ...body, stream_options: { include_usage: true } });
      expect(body).not.toHaveProperty('stream_options');
    });

    it('keeps the client stream options it adds to', () => {
      const body = { model: 'gpt-4o', stream: true, stream_options: { include_obfuscation: false } };
      expect(adapter.prepareBody?.(chat, body)).toEqual({
        model: 'gpt-4o',
        stream: true,
        stream_options: { include_obfuscation: false, include_usage: true },
      });
      const already = { model: 'gpt-4o', stream: true, stream_options: { include_usage: true } };
      expect(adapter.prepareBody?.(chat, already)).toBe(already);
    });

    it('also asks legacy completions streams, and leaves everything else alone', () => {
      const completions = adapter.route('POST', '/completions', none, { model: 'gpt-3.5-turbo-instruct', stream: true })!;
      expect(adapter.prepareBody?.(completions, { stream: true })).toEqual({ stream: true, stream_options: { include_usage: true } });
      const nonStream = { model: 'gpt-4o', messages: [] };
      expect(adapter.prepareBody?.(chat, nonStream)).toBe(nonStream);
      const responses = adapter.route('POST', '/responses', none, { model: 'gpt-4o', stream: true })!;
      const responsesBody = { model: 'gpt-4o', stream: true, input: 'hi' };
      expect(adapter.prepareBody?.(responses, responsesBody)).toBe(responsesBody);
    });
  });

  it('inspect reads each spelling of the output limit and counts every choice', () => {
    const route = adapter.route('POST', '/chat/completions', new URLSearchParams(), {})!;
    const out = (body: unknown) => {
      const f = adapter.inspect(route, body);
      return f.maxOutputPerAnswer === undefined ? undefined : f.maxOutputPerAnswer * f.answers;
    };
    expect(out({ max_tokens: 100 })).toBe(100);
    expect(out({ max_completion_tokens: 300, max_tokens: 100 })).toBe(300);
    expect(out({ max_completion_tokens: 100, max_tokens: 300 })).toBe(300);
    expect(out({ max_output_tokens: 2048 })).toBe(2048);
    expect(out({ max_tokens: 100, n: 3 })).toBe(300);
    expect(out({ max_tokens: 16, best_of: 5, n: 2 })).toBe(80);
    expect(out({ model: 'gpt-4o' })).toBeUndefined();
    expect(adapter.inspect(route, { model: 'gpt-4o', n: 4 }).answers).toBe(4);
    expect(out({ max_tokens: -1 })).toBeUndefined();
    expect(out(undefined)).toBeUndefined();
  });

  describe('usage', () => {
    it('from a chat completion', () => {
      expect(adapter.usageFromJson(fixtureJson('openai-chat.json'))).toEqual({
        inputTokens: 27,
        outputTokens: 215,
        cacheReadTokens: 0,
        reasoningTokens: 192,
      });
    });

    it('from a Responses API response', () => {
      expect(adapter.usageFromJson(fixtureJson('openai-responses.json'))).toEqual({
        inputTokens: 2048,
        outputTokens: 338,
        cacheReadTokens: 1920,
        reasoningTokens: 320,
      });
    });

    it('from embeddings', () => {
      expect(adapter.usageFromJson(fixtureJson('openai-embeddings.json'))).toEqual({ inputTokens: 8, outputTokens: 0 });
    });

    it('none from bodies without usage', () => {
      expect(adapter.usageFromJson({ object: 'list', data: [] })).toBeUndefined();
      expect(adapter.usageFromJson({ usage: null })).toBeUndefined();
      expect(adapter.usageFromJson('nope')).toBeUndefined();
    });

    const chatStream = { inputTokens: 1536, outputTokens: 12, cacheReadTokens: 1024, reasoningTokens: 0 };
    const responsesStream = { inputTokens: 3120, outputTokens: 9, cacheReadTokens: 2944, reasoningTokens: 0 };

    it.each([undefined, 1, 7, 64])('from a chat stream’s final chunk (chunks of %s bytes)', (size) => {
      expect(streamUsageOf(adapter, 'openai-chat-stream.txt', size)).toEqual(chatStream);
    });

    it.each([undefined, 1, 13, 512])('from a Responses stream’s response.completed (chunks of %s bytes)', (size) => {
      expect(streamUsageOf(adapter, 'openai-responses-stream.txt', size)).toEqual(responsesStream);
    });

    it('from response.incomplete too, and none from a stream without usage', () => {
      const reader = adapter.streamUsage();
      reader.push({ event: 'response.incomplete', data: JSON.stringify({ type: 'response.incomplete', response: { usage: { input_tokens: 5, output_tokens: 64 } } }) });
      expect(reader.usage()).toEqual({ inputTokens: 5, outputTokens: 64 });
      const empty = adapter.streamUsage();
      empty.push({ data: '{"choices":[{"delta":{"content":"x"}}],"usage":null}' });
      empty.push({ data: '[DONE]' });
      empty.push({ data: '{broken' });
      expect(empty.usage()).toBeUndefined();
    });
  });

  it('errorBody carries the OKAP type in type and code', () => {
    expect(adapter.errorBody(401, 'token_revoked', 'This OKAP token has been revoked')).toEqual({
      error: { message: 'This OKAP token has been revoked', type: 'token_revoked', code: 'token_revoked', param: null },
    });
  });

  it('filterModels keeps only allowed models', () => {
    const filtered = adapter.filterModels(fixtureJson('openai-models.json'), (m) => m.startsWith('gpt-4o')) as {
      object: string;
      data: { id: string }[];
    };
    expect(filtered.object).toBe('list');
    expect(filtered.data.map((m) => m.id)).toEqual(['gpt-4o-mini', 'gpt-4o']);
    expect(adapter.filterModels({ error: 'x' }, () => true)).toEqual({ error: 'x' });
  });
});

describe('identity and key checks', () => {
  it('names the two adapters', () => {
    expect([openai.id, openai.name, openai.defaultBaseUrl]).toEqual(['openai', 'OpenAI', 'https://api.openai.com/v1']);
    expect([openaiCompatible.id, openaiCompatible.name, openaiCompatible.defaultBaseUrl]).toEqual([
      'openai-compatible',
      'OpenAI-compatible',
      '',
    ]);
  });

  it('keyCheckRequest lists models with the key', () => {
    const req = openai.keyCheckRequest('', 'sk-real');
    expect(req.method).toBe('GET');
    expect(req.url).toBe('https://api.openai.com/v1/models');
    expect(req.headers.get('authorization')).toBe('Bearer sk-real');
    expect(openai.keyCheckRequest('http://127.0.0.1:4010/v1/', 'k').url).toBe('http://127.0.0.1:4010/v1/models');
    expect(openaiCompatible.keyCheckRequest('https://api.groq.com/openai/v1', 'gsk').url).toBe(
      'https://api.groq.com/openai/v1/models',
    );
    expect(() => openaiCompatible.keyCheckRequest('', 'k')).toThrow(/base URL/);
  });
});
