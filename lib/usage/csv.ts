import type { UsageRow } from './types';

const COLUMNS = [
  'id',
  'time',
  'origin',
  'grantId',
  'provider',
  'model',
  'endpoint',
  'status',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'costUsd',
  'latencyMs',
  'ttfbMs',
] as const satisfies readonly (keyof UsageRow)[];

/** RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet does not run a site's text as a formula. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header line, CRLF-terminated. */
export const usageCsvHeader = () => COLUMNS.join(',') + '\r\n';

/** Rows as CSV lines (no header), each CRLF-terminated: a chunk of a streamed export. */
export function usageCsvLines(rows: readonly UsageRow[]): string {
  let out = '';
  for (const row of rows) out += COLUMNS.map((c) => cell(c === 'time' ? new Date(row.time).toISOString() : row[c])).join(',') + '\r\n';
  return out;
}

/** The activity log as CSV, one call a line, times in ISO 8601 UTC. */
export function usageCsv(rows: readonly UsageRow[]): string {
  return usageCsvHeader() + usageCsvLines(rows);
}
