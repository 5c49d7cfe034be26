import { describe, expect, it } from 'vitest';
import { adapterFor } from './registry';
import { keyKindNames, keyKinds } from './kinds';

describe('registry', () => {
  it.each([...keyKinds])('%s has an adapter of that id and name', (kind) => {
    const adapter = adapterFor(kind);
    expect(adapter.id).toBe(kind);
    expect(adapter.name).toBe(keyKindNames[kind]);
    expect(adapter.defaultBaseUrl.endsWith('/')).toBe(false);
  });
});
