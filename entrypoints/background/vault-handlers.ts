import type { Runtime } from 'webextension-polyfill';
import { browser } from 'wxt/browser';
import type { Reply } from '@/lib/messages/reply';
import { vaultApi, type VaultHandlers, type VaultMethod } from '@/lib/messages/vault-api';
import { VaultError } from '@/lib/vault/errors';
import { DecisionError } from '@/lib/approvals/decision';
import { GrantEditError } from '@/lib/grants/edit';
import { vaultMessaging } from '@/utils/messaging';
import { ZodError } from 'zod';

/** Only the extension's own pages may drive the vault; content scripts relay pages and are never trusted. */
function fromExtensionPage(sender: Runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && !!sender.url?.startsWith(browser.runtime.getURL('/'));
}

export function toReplyError(error: unknown): Reply<never> {
  if (error instanceof VaultError) return { ok: false, error: { code: error.code, message: error.message, retryAt: error.retryAt } };
  if (error instanceof DecisionError || error instanceof GrantEditError) return { ok: false, error: { code: error.code, message: error.message } };
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return { ok: false, error: { code: 'invalid_input', message: issue?.message ?? 'Invalid input', path: issue?.path.join('.') } };
  }
  // Never echo an unexpected error's text: it could carry a secret.
  console.error('vault handler failed', error instanceof Error ? error.name : typeof error);
  return { ok: false, error: { code: 'internal_error', message: 'Something went wrong inside the vault.' } };
}

export function registerVaultHandlers(
  service: VaultHandlers<VaultMethod>,
  hooks: { ready: Promise<void>; afterEach: (method: VaultMethod) => Promise<void> },
) {
  for (const method of Object.keys(vaultApi) as VaultMethod[]) {
    vaultMessaging.onMessage(method, async ({ data, sender }) => {
      if (!fromExtensionPage(sender)) {
        return { ok: false, error: { code: 'forbidden', message: 'Not allowed from this context.' } };
      }
      try {
        await hooks.ready;
        const params = vaultApi[method].parse(data);
        const handler = service[method] as (params: unknown) => Promise<unknown>;
        const value = await handler(params);
        await hooks.afterEach(method);
        return { ok: true, value } as never;
      } catch (error) {
        await hooks.afterEach(method).catch(() => undefined);
        return toReplyError(error);
      }
    });
  }
}
