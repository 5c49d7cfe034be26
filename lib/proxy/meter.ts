import { createSseDecoder, type SseDecoder } from '../providers/sse';
import type { ProviderAdapter, StreamUsageReader, Usage } from '../providers/types';

/** JSON bodies up to this size are read for usage; bigger ones pass through unmetered. */
export const MAX_METERED_JSON_BYTES = 4 * 1024 * 1024;

/** How the body of an answer ended. */
export type BodyEnd = 'complete' | 'aborted' | 'cut';

export interface Observation {
  end: BodyEnd;
  usage: Usage | undefined;
  /** The usage is the call's total (terminal event seen, or a complete JSON body). */
  final: boolean;
  /** Epoch ms of the first body byte; undefined when none came. */
  firstByteAt: number | undefined;
}

export interface MeterOptions {
  adapter: ProviderAdapter;
  now: () => number;
  /** Aborts with the app (abort signal) or with a revocation; the upstream fetch shares it. */
  signal: AbortSignal;
  /** Tells an app's abort from a revocation or a broken upstream. */
  clientSignal: AbortSignal;
  onError: (error: unknown) => void;
}

/** Reads usage from the bytes going by: SSE events, or a JSON body up to the cap. */
interface UsageTap {
  push(chunk: Uint8Array): void;
  finish(): { usage: Usage | undefined; final: boolean };
}

function sseTap(adapter: ProviderAdapter): UsageTap {
  const reader: StreamUsageReader = adapter.streamUsage();
  const decoder: SseDecoder = createSseDecoder((event) => reader.push(event));
  return {
    push: (chunk) => decoder.push(chunk),
    finish() {
      decoder.end();
      return { usage: reader.usage(), final: reader.final() };
    },
  };
}

function jsonTap(adapter: ProviderAdapter): UsageTap {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.byteLength;
      if (size <= MAX_METERED_JSON_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    },
    finish() {
      const none = { usage: undefined, final: false };
      if (size > MAX_METERED_JSON_BYTES || size === 0) return none;
      const all = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.byteLength;
      }
      try {
        // Usage in a body that parses whole is the answer's own total.
        const usage = adapter.usageFromJson(JSON.parse(new TextDecoder().decode(all)) as unknown);
        return { usage, final: usage !== undefined };
      } catch {
        // A cut or non-JSON body reports nothing.
        return none;
      }
    },
  };
}

function tapFor(contentType: string, adapter: ProviderAdapter): UsageTap | undefined {
  const type = contentType.toLowerCase();
  if (type.startsWith('text/event-stream')) return sseTap(adapter);
  if (type.includes('json')) return jsonTap(adapter);
  return undefined; // audio, images as bytes: nothing to read usage from
}

/**
 * The upstream body as the app will read it, chunk for chunk, unaltered and unbuffered (a
 * chunk is read from upstream only when the app asks for one), with `onEnd` called exactly
 * once however it ends: read to the end, cancelled by the app, aborted, or broken off. Usage is
 * read on the side; a failure there never touches the bytes.
 */
export function meterBody(
  upstream: Response,
  options: MeterOptions,
  onEnd: (observation: Observation) => void,
): ReadableStream<Uint8Array> | null {
  const { now, signal, clientSignal, onError } = options;
  let tap = tapFor(upstream.headers.get('content-type') ?? '', options.adapter);
  let firstByteAt: number | undefined;
  let ended = false;

  const end = (how: BodyEnd): void => {
    if (ended) return;
    ended = true;
    signal.removeEventListener('abort', onAbort);
    let usage: Usage | undefined;
    let final = false;
    try {
      ({ usage, final } = tap?.finish() ?? { usage: undefined, final: false });
    } catch (error) {
      onError(error);
    }
    onEnd({ end: how, usage, final, firstByteAt });
  };
  const interrupted = (): BodyEnd => (clientSignal.aborted ? 'aborted' : 'cut');

  if (upstream.body === null) {
    end('complete');
    return null;
  }
  const reader = upstream.body.getReader();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;

  // An app that stops reading still ends the call when it (or a revocation) aborts.
  function onAbort(): void {
    if (ended) return;
    end(interrupted());
    controller?.error(signal.reason);
    reader.cancel(signal.reason).catch(() => undefined);
  }
  signal.addEventListener('abort', onAbort);

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        if (signal.aborted) onAbort();
      },
      async pull(c) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          end(interrupted());
          c.error(error);
          return;
        }
        if (ended) return;
        if (result.done) {
          end('complete');
          c.close();
          return;
        }
        const chunk = result.value;
        firstByteAt ??= now();
        try {
          tap?.push(chunk);
        } catch (error) {
          tap = undefined;
          onError(error);
        }
        c.enqueue(chunk);
      },
      cancel(reason) {
        end('aborted');
        return reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
