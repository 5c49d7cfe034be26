import { ProxyError } from './errors';

/** A request body, read once. */
export interface CallBody {
  /** The bytes as they came; forwarded untouched unless the adapter changes the JSON. */
  bytes: Uint8Array<ArrayBuffer> | undefined;
  /** The parsed body, when it is JSON. */
  json: unknown;
  /**
   * What the adapter's route reads the model and stream flag from: the JSON, or for a
   * multipart upload (audio transcription, image edit) its `model` and `stream` fields.
   */
  view: unknown;
}

const NONE: CallBody = { bytes: undefined, json: undefined, view: undefined };

function parseJson(bytes: Uint8Array<ArrayBuffer>): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The fields a route needs from a multipart body, parsed from a copy; the bytes go upstream as they are. */
async function formView(bytes: Uint8Array<ArrayBuffer>, contentType: string): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new ProxyError('invalid_request', 'The request body is not valid multipart/form-data');
  }
  const view: Record<string, unknown> = {};
  for (const name of ['model', 'stream']) {
    const values = form.getAll(name);
    // Servers disagree on which of two same-named fields counts; the vault must check the one
    // the provider will use, so it accepts only one.
    if (values.length > 1) throw new ProxyError('invalid_request', `The form field ${name} appears more than once`);
    const value = values[0];
    if (typeof value === 'string') view[name] = name === 'stream' ? value === 'true' : value;
  }
  return view;
}

export async function readBody(request: Request): Promise<CallBody> {
  if (request.body === null) return NONE;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch {
    throw new ProxyError('invalid_request', 'The request body could not be read');
  }
  if (bytes.byteLength === 0) return NONE;
  const contentType = (request.headers.get('content-type') ?? '').toLowerCase();

  if (contentType.includes('json')) {
    const parsed = parseJson(bytes);
    if (!parsed.ok) throw new ProxyError('invalid_request', 'The request body is not valid JSON');
    return { bytes, json: parsed.value, view: parsed.value };
  }
  if (contentType.startsWith('multipart/form-data')) {
    return { bytes, json: undefined, view: await formView(bytes, request.headers.get('content-type') ?? '') };
  }
  // A bare fetch with a string body is sent as text/plain; providers read it as JSON all the
  // same, so the vault must too, or it would forward a model it never checked.
  if (contentType === '' || contentType.startsWith('text/plain')) {
    const parsed = parseJson(bytes);
    if (parsed.ok) return { bytes, json: parsed.value, view: parsed.value };
  }
  return { bytes, json: undefined, view: undefined };
}
