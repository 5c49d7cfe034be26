import type { GrantedAuthorizationDetail } from '../protocol';
import type { Capability, Route } from '../providers/types';
import { ProxyError } from './errors';

/**
 * Capabilities that come with any grant: a models list is filtered to the granted models, and
 * moderation is free and only screens text.
 */
const IMPLIED: ReadonlySet<Capability> = new Set(['models', 'moderation']);

/** `code` and `vision` (spec §3.6) name kinds of chat: a grant of either allows chat calls. */
const CHAT_KINDS: ReadonlySet<string> = new Set(['chat', 'code', 'vision']);

export function capabilityGranted(detail: GrantedAuthorizationDetail, capability: Capability): boolean {
  const granted = detail.capabilities;
  if (!granted || granted.length === 0 || IMPLIED.has(capability)) return true;
  if (capability === 'chat') return granted.some((c) => CHAT_KINDS.has(c));
  return granted.includes(capability);
}

/** Gemini names models `models/<id>`; grants may hold either form. */
const bare = (model: string): string => model.replace(/^models\//, '');

/** Empty or absent = every model (spec §3.3); else an exact id, with or without `models/`. */
export function modelGranted(detail: GrantedAuthorizationDetail, model: string): boolean {
  const granted = detail.models;
  if (!granted || granted.length === 0) return true;
  const wanted = bare(model);
  return granted.some((m) => bare(m) === wanted);
}

export function authorizeRoute(detail: GrantedAuthorizationDetail, route: Route): void {
  if (!capabilityGranted(detail, route.capability)) {
    throw new ProxyError('capability_not_granted', `This OKAP token does not grant the ${route.capability} capability`);
  }
  if (route.model !== undefined) {
    if (!modelGranted(detail, route.model)) {
      throw new ProxyError('model_not_granted', `This OKAP token does not grant access to the model ${route.model}`);
    }
    return;
  }
  // A call whose model the vault cannot see could be any model, so it is allowed only when
  // every model is. A models list names none and is filtered instead.
  const restricted = (detail.models?.length ?? 0) > 0;
  if (route.kind === 'call' && restricted) {
    throw new ProxyError('model_not_granted', 'This OKAP token grants only some models, and the request names none');
  }
}
