import { expect, it } from 'vitest';
import { createRevocationHub } from './revocation';

it('aborts the signals of a grant when it is revoked, and every later one', () => {
  const hub = createRevocationHub();
  const before = hub.signal('g1');
  const other = hub.signal('g2');
  expect(before.aborted).toBe(false);
  hub.revoke('g1');
  expect(before.aborted).toBe(true);
  expect(other.aborted).toBe(false);
  expect(hub.signal('g1').aborted).toBe(true);
});
