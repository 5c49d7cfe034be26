// A web app as real ones are written: the official SDKs, configured with nothing but the OKAP token,
// the granted base_url and window.okap.fetch.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';

interface Grant {
  token: string;
  authorization_details: { provider: string; base_url: string }[];
}
type OkapFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

function detail(grant: Grant, provider: string) {
  const found = grant.authorization_details.find((d) => d.provider === provider);
  if (!found) throw new Error(`no ${provider} in grant`);
  return found;
}

const okapFetch = () => (window as unknown as { okap: { fetch: OkapFetch } }).okap.fetch;

export const clients = {
  openai: (grant: Grant) =>
    new OpenAI({ apiKey: grant.token, baseURL: detail(grant, 'openai').base_url, fetch: okapFetch(), dangerouslyAllowBrowser: true, maxRetries: 0 }),
  anthropic: (grant: Grant) =>
    new Anthropic({ apiKey: grant.token, baseURL: detail(grant, 'anthropic').base_url, fetch: okapFetch(), dangerouslyAllowBrowser: true, maxRetries: 0 }),
  google: (grant: Grant) =>
    new GoogleGenAI({ apiKey: grant.token, httpOptions: { baseUrl: detail(grant, 'google').base_url, fetch: okapFetch() } }),
};

/** The error as a test can compare it: the SDK's own class name, status and body text. */
export function describeError(error: unknown) {
  const e = error as { constructor: { name: string }; name?: string; status?: number; message?: string; code?: string; type?: string };
  return { error: e.constructor.name, name: e.name, status: e.status, code: e.code, type: e.type, message: String(e.message ?? error) };
}

Object.assign(window, { sdk: { clients, describeError, OpenAI, Anthropic } });
