/** Field paths as people write them: `authorization_details[0].limits.monthly_spend`. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Keys come from the page; a megabyte-long key must not become a megabyte-long message. */
const MAX_KEY_SHOWN = 64;

export type PathSegment = string | number;

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'symbol') out += '[symbol]';
    else if (IDENTIFIER.test(segment) && segment.length <= MAX_KEY_SHOWN) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment.length > MAX_KEY_SHOWN ? `${segment.slice(0, MAX_KEY_SHOWN)}…` : segment)}]`;
  }
  return out;
}
