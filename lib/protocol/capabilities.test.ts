import { describe, expect, it } from 'vitest';
import { CAPABILITY_DESCRIPTIONS, HOSTED_TOOL_CAPABILITIES, OKAP_WIRE_ERROR_TYPES } from './index';
import { parseOkapRequest } from './parse';

describe('hosted-tool capabilities', () => {
  it('can be asked for and granted by name, and each has words for the approval window', () => {
    const result = parseOkapRequest({ provider: 'openai', capabilities: ['chat', ...HOSTED_TOOL_CAPABILITIES] }, new Date('2026-03-10T12:00:00Z'));
    expect(result.ok && result.request.authorization_details[0]?.capabilities).toEqual(['chat', 'web_search', 'code_execution', 'mcp']);
    for (const name of HOSTED_TOOL_CAPABILITIES) expect(CAPABILITY_DESCRIPTIONS[name]).toBeTruthy();
  });

  it('a request that cannot be bounded in cost has its own error type', () => {
    expect(OKAP_WIRE_ERROR_TYPES).toContain('cost_unbounded');
  });
});
