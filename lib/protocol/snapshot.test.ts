import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshot } from './snapshot';

const jsonBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

describe('snapshot', () => {
  it('measures exactly the UTF-8 size of the JSON form', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer({ min: 0, max: 3000 }), (value, maxBytes) => {
        expect(snapshot(value, maxBytes).ok).toBe(jsonBytes(value) <= maxBytes);
      }),
      { numRuns: 500 },
    );
  });

  it('counts escapes, multi-byte characters and lone surrogates as JSON writes them', () => {
    for (const text of ['"\\', '\n\t\b\f\r', '\u0001\u001f', 'é', '€', '😀', '\ud800', '\udc00x', 'a\ud83dz']) {
      const size = jsonBytes(text);
      expect(snapshot(text, size).ok).toBe(true);
      expect(snapshot(text, size - 1).ok).toBe(false);
    }
  });

  it('copies plain data into fresh prototype-less records without unsafe keys', () => {
    const input = JSON.parse('{"a":[1,{"b":"c"}],"__proto__":{"x":1},"constructor":1,"prototype":2}') as unknown;
    const result = snapshot(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const copy = result.value as Record<string, unknown>;
    expect(copy).not.toBe(input);
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(Object.keys(copy)).toEqual(['a']);
    expect(copy.a).toEqual([1, { b: 'c' }]);
  });

  it('leaves out undefined properties, as JSON does', () => {
    const result = snapshot({ a: undefined, b: 1 });
    expect(result.ok && Object.keys(result.value as object)).toEqual(['b']);
  });

  it('keeps values JSON cannot hold, for the schema to name', () => {
    const symbol = Symbol('s');
    const result = snapshot({ big: 1n, symbol, fn: () => 1, nan: NaN });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const copy = result.value as Record<string, unknown>;
    expect(copy.big).toBe(1n);
    expect(copy.symbol).toBe(symbol);
    expect(typeof copy.fn).toBe('function');
    expect(copy.nan).toBeNaN();
  });

  it('reports cycles, depth and unreadable values with their path', () => {
    const cycle: unknown[] = [];
    cycle.push({ back: cycle });
    expect(snapshot({ list: cycle })).toMatchObject({ ok: false, path: ['list', 0, 'back'] });
    let deep: unknown = 0;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(snapshot(deep)).toMatchObject({ ok: false, path: Array.from({ length: 32 }, () => 0) });
    const getter = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(snapshot({ a: [getter] })).toMatchObject({ ok: false, path: ['a', 0, 'x'] });
  });
});
