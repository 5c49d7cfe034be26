import { MAX_DEPTH, MAX_REQUEST_BYTES } from './limits';
import type { PathSegment } from './path';

/**
 * Copies untrusted input into plain data before any schema sees it. The input may come straight from a
 * page: a Proxy whose traps throw, getters that throw or answer differently each time, cycles, BigInts,
 * sparse arrays a billion long. The copy reads every property exactly once (so what is checked is what
 * is used), stops as soon as the JSON form would pass the size budget, and never throws.
 *
 * The copy mirrors JSON.stringify: own enumerable string keys only, `undefined` properties left out.
 * Values JSON cannot hold (functions, symbols, BigInts, non-finite numbers) are kept as harmless stand-ins
 * so the schema can name the offending field instead of the whole request failing vaguely.
 */

export type SnapshotResult =
  | { ok: true; value: unknown }
  | { ok: false; path: PathSegment[]; message: string };

/** Keys that would reach a prototype if anyone ever copied the data with plain assignment. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Stands in for a function, so the schema reports "received function" without touching the original. */
const FUNCTION_STAND_IN = Object.freeze(function standIn(): void {});

class Stop {
  constructor(
    readonly path: PathSegment[],
    readonly message: string,
  ) {}
}

export function snapshot(input: unknown, maxBytes: number = MAX_REQUEST_BYTES): SnapshotResult {
  let used = 0;
  const ancestors = new Set<object>();
  const path: PathSegment[] = [];

  const spend = (bytes: number): void => {
    used += bytes;
    if (used > maxBytes) throw new Stop([], `request is larger than ${Math.floor(maxBytes / 1024)} KB as JSON`);
  };

  const read = <T>(what: () => T, describe: string): T => {
    try {
      return what();
    } catch (error) {
      if (error instanceof Stop) throw error;
      throw new Stop([...path], `${describe} could not be read`);
    }
  };

  const copy = (value: unknown, depth: number): unknown => {
    switch (typeof value) {
      case 'string':
        spend(jsonStringBytes(value, maxBytes - used));
        return value;
      case 'number':
        spend(Number.isFinite(value) ? String(value).length : 4);
        return value;
      case 'boolean':
        spend(value ? 4 : 5);
        return value;
      case 'bigint':
        spend(String(value).length);
        return value;
      case 'undefined':
      case 'symbol':
        spend(4);
        return value;
      case 'function':
        spend(4);
        return FUNCTION_STAND_IN;
      case 'object':
        if (value === null) {
          spend(4);
          return null;
        }
        return copyObject(value, depth);
      default:
        spend(4);
        return undefined;
    }
  };

  const copyObject = (value: object, depth: number): unknown => {
    if (depth >= MAX_DEPTH) throw new Stop([...path], `nested more than ${MAX_DEPTH} levels deep`);
    if (ancestors.has(value)) throw new Stop([...path], 'contains a reference to itself');
    ancestors.add(value);
    spend(2);
    const result = read(() => Array.isArray(value), 'value')
      ? copyArray(value as readonly unknown[], depth)
      : copyRecord(value, depth);
    ancestors.delete(value);
    return result;
  };

  const copyArray = (array: readonly unknown[], depth: number): unknown[] => {
    const length = read(() => array.length, 'array length');
    const out: unknown[] = [];
    // Every element costs at least one byte plus a comma, so the budget ends even a sparse giant.
    for (let index = 0; index < length; index++) {
      if (index > 0) spend(1);
      path.push(index);
      const element = read(() => array[index], 'element');
      out.push(copy(element, depth + 1));
      path.pop();
    }
    return out;
  };

  const copyRecord = (record: object, depth: number): Record<string, unknown> => {
    const keys = read(() => Object.keys(record), 'object');
    // No prototype: a key named `__proto__` stays an ordinary key (and unsafe ones are dropped anyway).
    const out = Object.create(null) as Record<string, unknown>;
    let written = 0;
    for (const key of keys) {
      path.push(key);
      const item = read(() => (record as Record<string, unknown>)[key], 'property');
      if (item !== undefined) {
        if (written > 0) spend(1);
        spend(jsonStringBytes(key, maxBytes - used) + 1);
        const copied = copy(item, depth + 1);
        if (!UNSAFE_KEYS.has(key)) out[key] = copied;
        written++;
      }
      path.pop();
    }
    return out;
  };

  try {
    return { ok: true, value: copy(input, 0) };
  } catch (error) {
    if (error instanceof Stop) return { ok: false, path: error.path, message: error.message };
    // Not reachable by design (every read is guarded); kept so this function can promise not to throw.
    return { ok: false, path: [...path], message: 'could not be read' };
  }
}

/**
 * UTF-8 bytes of `JSON.stringify(text)`, counted without building it. Stops counting once past `limit`:
 * the caller only needs to know the budget is blown.
 */
function jsonStringBytes(text: string, limit: number): number {
  // Each UTF-16 unit is at least one byte, so a string this long cannot fit whatever it holds.
  if (text.length + 2 > limit) return text.length + 2;
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x22 || unit === 0x5c || unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d) bytes += 2;
    else if (unit < 0x20) bytes += 6;
    else if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6; // a lone surrogate is escaped as \uXXXX
    } else if (unit >= 0xdc00 && unit <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}
