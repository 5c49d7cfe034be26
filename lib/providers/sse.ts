/**
 * Server-sent events from a byte or text stream, for the meter: it observes an upstream
 * stream chunk by chunk and hands each event to an adapter's StreamUsageReader.
 * Parsing follows the WHATWG algorithm through `eventsource-parser`; this file adds byte
 * decoding across chunk boundaries, a memory bound, and end-of-stream handling.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { SseEvent } from './types';

export interface SseDecoder {
  /** Feed the next chunk, bytes or text, split anywhere (even inside a UTF-8 sequence). */
  push(chunk: Uint8Array | string): void;
  /** The stream ended (or was cut off): flush what is buffered. Further pushes are ignored. */
  end(): void;
}

export interface SseDecoderOptions {
  /**
   * Characters one unfinished line or event may buffer. A bigger event is dropped and parsing
   * resumes at the next line, so a huge or endless event from an upstream cannot exhaust the
   * worker's memory. The default leaves room for a Responses API `response.completed` event,
   * which repeats the whole answer (and may carry base64 images).
   */
  maxBufferSize?: number;
}

const DEFAULT_MAX_BUFFER = 32 * 1024 * 1024;

export function createSseDecoder(onEvent: (event: SseEvent) => void, options: SseDecoderOptions = {}): SseDecoder {
  const emit = (message: EventSourceMessage): void => {
    onEvent(message.event === undefined ? { data: message.data } : { event: message.event, data: message.data });
  };
  let overflowed = false;
  const parser = createParser({
    onEvent: emit,
    maxBufferSize: options.maxBufferSize ?? DEFAULT_MAX_BUFFER,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflowed = true;
    },
  });
  const decoder = new TextDecoder('utf-8');
  let ended = false;

  const feed = (text: string): void => {
    if (text === '') return;
    parser.feed(text);
    if (overflowed) {
      // The parser refuses input until reset; resuming keeps the events after the oversized
      // one (a usage chunk usually comes last), and the rest of the cut line is skipped
      // because it cannot start with a field name.
      overflowed = false;
      parser.reset();
    }
  };

  return {
    push(chunk) {
      if (ended) return;
      feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (ended) return;
      feed(decoder.decode());
      // The spec drops an event that lacks its closing blank line; a metered stream that was
      // cut off still should count what it reported, so close the last event. A data line cut
      // in half then yields invalid JSON, which the usage readers ignore.
      feed('\n\n');
      ended = true;
    },
  };
}

/** Every event of a stream, in order; for tests and for callers that own the stream. */
export async function* readSse(
  stream: ReadableStream<Uint8Array | string>,
  options?: SseDecoderOptions,
): AsyncGenerator<SseEvent, void, undefined> {
  const pending: SseEvent[] = [];
  const decoder = createSseDecoder((event) => pending.push(event), options);
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      decoder.push(value);
      yield* pending.splice(0);
    }
    decoder.end();
    yield* pending.splice(0);
  } finally {
    reader.releaseLock();
  }
}

/** Every event of a complete SSE text, e.g. a recorded fixture. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const decoder = createSseDecoder((event) => events.push(event));
  decoder.push(text);
  decoder.end();
  return events;
}
