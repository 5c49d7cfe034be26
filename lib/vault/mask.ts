/** Known key prefixes, longest first: showing one tells people which key it is without weakening it. */
const PREFIXES = ['sk-ant-api03-', 'sk-ant-', 'sk-proj-', 'sk-or-v1-', 'sk-', 'gsk_', 'AIza', 'xai-'];

/** `sk-…a1b2`: a known prefix and the last four characters, and only for keys long enough to spare them. */
export function maskKey(key: string): string {
  const prefix = PREFIXES.find((p) => key.startsWith(p)) ?? '';
  if (key.length < 16) return `${prefix}…`;
  return `${prefix}…${key.slice(-4)}`;
}
