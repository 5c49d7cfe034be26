/**
 * Capability names a grant can hold. The spec's standard ones (§3.6) cover whole endpoints;
 * the hosted-tool ones are this vault's: a call that asks the provider to search the web, run
 * code or call MCP servers of the app's choosing is forwarded only under a grant that names
 * the tool's capability (an empty list, "every standard capability", does not), and never
 * under a spend limit, since such tools bill fees and loop with no bound a reservation can hold.
 * Requests may name any string; these are the ones the vault acts on and the approval window
 * can describe.
 */
export const STANDARD_CAPABILITIES = ['chat', 'embeddings', 'images', 'audio', 'code', 'vision'] as const;
export const HOSTED_TOOL_CAPABILITIES = ['web_search', 'code_execution', 'mcp'] as const;

export type HostedToolCapabilityName = (typeof HOSTED_TOOL_CAPABILITIES)[number];

/** Words for the approval window and the dashboard. */
export const CAPABILITY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  chat: 'Chat and text generation',
  embeddings: 'Text embeddings',
  images: 'Image generation (also as an output of chat, or a chat tool)',
  audio: 'Audio transcription and speech (also as an output of chat)',
  code: 'Code models',
  vision: 'Images as input',
  web_search: 'Web search and web page fetching run by the provider (fees per search)',
  code_execution: 'Code run by the provider in its sandbox (fees per container)',
  mcp: 'Calls from the provider to MCP servers the app names',
};
