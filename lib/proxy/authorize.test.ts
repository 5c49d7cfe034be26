import { describe, expect, it } from 'vitest';
import { AI_MODEL_ACCESS, type GrantedAuthorizationDetail } from '../protocol';
import { google } from '../providers/google';
import { openai } from '../providers/openai';
import type { Route } from '../providers/types';
import { authorizeRoute, capabilityGranted, modelGranted } from './authorize';

const detail = (over: Partial<GrantedAuthorizationDetail> = {}): GrantedAuthorizationDetail => ({
  type: AI_MODEL_ACCESS,
  provider: 'openai',
  expires: '2030-01-01T00:00:00.000Z',
  base_url: 'https://okap.invalid/v1/openai',
  ...over,
});
const call = (over: Partial<Route> = {}): Route => ({ upstreamPath: '/chat/completions', capability: 'chat', stream: false, kind: 'call', ...over });

describe('capabilities', () => {
  it('grants everything when none are named', () => {
    expect(capabilityGranted(detail(), 'images')).toBe(true);
    expect(capabilityGranted(detail({ capabilities: [] }), 'audio')).toBe(true);
  });

  it('grants only the named ones, plus models and moderation', () => {
    const d = detail({ capabilities: ['embeddings'] });
    expect(capabilityGranted(d, 'embeddings')).toBe(true);
    expect(capabilityGranted(d, 'chat')).toBe(false);
    expect(capabilityGranted(d, 'models')).toBe(true);
    expect(capabilityGranted(d, 'moderation')).toBe(true);
  });

  it('grants a hosted tool only when named, never as part of "everything"', () => {
    for (const tool of ['web_search', 'code_execution', 'mcp'] as const) {
      expect(capabilityGranted(detail(), tool)).toBe(false);
      expect(capabilityGranted(detail({ capabilities: [] }), tool)).toBe(false);
      expect(capabilityGranted(detail({ capabilities: ['chat'] }), tool)).toBe(false);
      expect(capabilityGranted(detail({ capabilities: ['chat', tool] }), tool)).toBe(true);
    }
  });

  it('takes code and vision for kinds of chat', () => {
    expect(capabilityGranted(detail({ capabilities: ['vision'] }), 'chat')).toBe(true);
    expect(capabilityGranted(detail({ capabilities: ['code'] }), 'chat')).toBe(true);
    expect(capabilityGranted(detail({ capabilities: ['code'] }), 'images')).toBe(false);
  });
});

describe('models', () => {
  it("matches exact ids, in the adapter's form (Gemini's with or without models/)", () => {
    const d = detail({ models: ['gpt-4o', 'models/gemini-2.5-flash'] });
    expect(modelGranted(d, 'gpt-4o')).toBe(true);
    expect(modelGranted(d, 'gpt-4o-mini')).toBe(false);
    expect(modelGranted(d, 'gemini-2.5-flash', google.modelKey)).toBe(true);
    expect(modelGranted(d, 'models/gpt-4o', openai.modelKey)).toBe(false);
    expect(modelGranted(detail({ models: [] }), 'anything')).toBe(true);
  });

  it('refuses a call that names no model when only some are granted', () => {
    expect(() => authorizeRoute(detail({ models: ['whisper-1'] }), call({ capability: 'audio' }))).toThrow(
      expect.objectContaining({ type: 'model_not_granted' }),
    );
    expect(() => authorizeRoute(detail(), call({ capability: 'audio' }))).not.toThrow();
    expect(() => authorizeRoute(detail({ models: ['gpt-4o'] }), call({ kind: 'models-list', capability: 'models' }))).not.toThrow();
  });
});
