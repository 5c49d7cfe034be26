import { LLMock } from '@copilotkit/aimock';

/** A real local HTTP server that speaks the providers' APIs; only the listed keys are accepted. */
export async function startUpstream(apiKeys: string[]) {
  const mock = new LLMock({ port: 0, host: '127.0.0.1', auth: { apiKeys } });
  await mock.start();
  return mock;
}
