import { describe, expect, it } from 'vitest';
import { receiveResponse, sendResponse, type FetchMessage } from './fetch-stream';

const text = (parts: string[]) => new TextEncoder().encode(parts.join(''));

/** A body that yields `parts` one by one, then (if `cut`) fails as a dropped connection does. */
function body(parts: string[], cut = false): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < parts.length) controller.enqueue(new TextEncoder().encode(parts[i++]));
      else if (cut) controller.error(new TypeError('socket hang up'));
      else controller.close();
    },
  });
}

/** Both halves joined as the bridge joins them: every message the background sends reaches the page. */
async function roundTrip(response: Response, options: { aborted?: () => boolean; signal?: AbortSignal } = {}) {
  const stops: number[] = [];
  const sent: FetchMessage[] = [];
  const page = receiveResponse(options.signal ?? new AbortController().signal, () => stops.push(1));
  const done = sendResponse(7, response, (message) => (sent.push(message), page.handle(JSON.parse(JSON.stringify(message)) as FetchMessage), true), options.aborted ?? (() => false));
  return { page, done, sent, stops };
}

describe('okap.fetch responses on the wire', () => {
  it('keeps the chunks in order, bytes intact, with status and headers', async () => {
    const parts = ['data: {"a":1}\n\n', 'data: ', 'ünïcode ✓ and \u0000 bytes', '\n\ndata: [DONE]\n\n'];
    const { page, done, sent } = await roundTrip(new Response(body(parts), { status: 201, statusText: 'Created', headers: { 'x-request-id': 'r1' } }));
    const response = await page.response;
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Created');
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(text(parts));
    await done;
    expect(sent.filter((m) => 'chunk' in m)).toHaveLength(parts.length);
    expect(sent.at(-1)).toEqual({ id: 7, done: true });
  });

  it.each([204, 304])('a %i arrives without a body, as fetch gives it', async (status) => {
    const { page, done } = await roundTrip(new Response(null, { status }));
    const response = await page.response;
    expect(response.status).toBe(status);
    expect(response.body).toBeNull();
    await done;
  });

  it('a stream cut midway errors the body after the chunks that came, never ends as if complete', async () => {
    const { page, done, sent } = await roundTrip(new Response(body(['first ', 'second'], true)));
    const response = await page.response;
    const reader = response.body!.getReader();
    const got: string[] = [];
    const error = await (async () => {
      for (;;) {
        const next = await reader.read();
        if (next.done) return undefined;
        got.push(new TextDecoder().decode(next.value));
      }
    })().catch((e: unknown) => e);
    expect(got.join('')).toBe('first second');
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/connection to the provider was cut/);
    await done;
    expect(sent.at(-1)).toMatchObject({ id: 7, done: true, error: { code: 'network_error' } });
  });

  it('an abort by the page rejects with its reason, tells the vault once, and drops later messages', async () => {
    const controller = new AbortController();
    const stops: number[] = [];
    const page = receiveResponse(controller.signal, () => stops.push(1));
    controller.abort(new DOMException('changed my mind', 'AbortError'));
    await expect(page.response).rejects.toMatchObject({ name: 'AbortError', message: 'changed my mind' });
    expect(stops).toHaveLength(1);
    // The vault's answer to the abort, and anything in flight, find nobody waiting.
    expect(page.handle({ id: 7, ok: true, value: { status: 200, statusText: '', headers: [] } })).toBe(true);
    expect(page.handle({ id: 7, done: true, error: { code: 'aborted', message: 'The call was aborted.' } })).toBe(true);
    expect(stops).toHaveLength(1);
  });

  it('an abort while the body streams errors the body with the reason; cancelling the body tells the vault', async () => {
    const controller = new AbortController();
    const stops: number[] = [];
    const page = receiveResponse(controller.signal, () => stops.push(1));
    page.handle({ id: 7, ok: true, value: { status: 200, statusText: 'OK', headers: [] } });
    page.handle({ id: 7, chunk: 'aGk' });
    const response = await page.response;
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('hi');
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(stops).toHaveLength(1);

    const other = receiveResponse(new AbortController().signal, () => stops.push(2));
    other.handle({ id: 8, ok: true, value: { status: 200, statusText: 'OK', headers: [] } });
    await (await other.response).body!.cancel();
    expect(stops).toEqual([1, 2]);
  });

  it('a failure before the head reaches the page as the TypeError fetch() gives', async () => {
    const failed = receiveResponse(new AbortController().signal, () => {});
    expect(failed.handle({ id: 7, ok: false, done: true, error: { code: 'network_error', message: 'The connection to the provider was cut.' } })).toBe(true);
    await expect(failed.response).rejects.toThrow(TypeError);
  });

  it('stops reading upstream once the page is gone', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => void (pulled++, c.enqueue(new Uint8Array([1]))) });
    const sent: FetchMessage[] = [];
    await sendResponse(7, new Response(endless), (m) => (sent.push(m), sent.length < 3), () => false);
    expect(sent).toHaveLength(3);
    expect(pulled).toBeLessThan(10);
  });
});
