import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { okapRequestSchema } from './request';
import { parseUntrusted } from './untrusted';

describe('parseUntrusted', () => {
  const schema = z.object({ items: z.array(z.object({ n: z.number().positive() })) });

  it('returns the parsed data as fresh objects', () => {
    const input = { items: [{ n: 1, extra: true }] };
    const result = parseUntrusted(schema, input);
    expect(result).toEqual({ ok: true, data: { items: [{ n: 1 }] } });
    expect(result.ok && result.data.items).not.toBe(input.items);
  });

  it('names the first offending field', () => {
    expect(parseUntrusted(schema, { items: [{ n: 1 }, { n: -1 }] })).toMatchObject({ ok: false, path: 'items[1].n' });
    expect(parseUntrusted(schema, { items: [{}] })).toEqual({
      ok: false,
      path: 'items[0].n',
      message: 'items[0].n: required (expected number)',
    });
  });

  it('never throws and honours its size budget', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(parseUntrusted(schema, proxy)).toMatchObject({ ok: false, path: '' });
    expect(parseUntrusted(schema, { items: [{ n: 1 }] }, { maxBytes: 10 })).toMatchObject({ ok: false, path: '' });
  });
});

describe('okapRequestSchema alone', () => {
  it('names the supported versions too', () => {
    const result = okapRequestSchema.safeParse({ okap: '2.0', authorization_details: [], client: { name: 'A' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('1.x');
  });
});
