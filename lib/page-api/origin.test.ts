import { describe, expect, it } from 'vitest';
import { originOfSender } from './origin';

describe('originOfSender', () => {
  it('takes the browser-reported origin, else the URL’s', () => {
    expect(originOfSender({ origin: 'https://app.example', url: 'https://other.example/x' })).toBe('https://app.example');
    expect(originOfSender({ url: 'http://localhost:5173/page?q=1' })).toBe('http://localhost:5173');
  });
  it('refuses opaque and non-web origins', () => {
    for (const sender of [{ origin: 'null' }, { url: 'data:text/html,hi' }, { url: 'file:///tmp/x.html' }, { url: 'not a url' }, {}, undefined]) {
      expect(originOfSender(sender)).toBeUndefined();
    }
  });
});
