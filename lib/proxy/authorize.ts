import type { GrantedAuthorizationDetail } from '../protocol';
import { HOSTED_TOOL_CAPABILITIES, type BodyFacts, type Capability, type Route } from '../providers/types';
import { ProxyError } from './errors';

/**
 * Capabilities that come with any grant: a models list is filtered to the granted models, and
 * moderation is free and only screens text.
 */
const IMPLIED: ReadonlySet<Capability> = new Set(['models', 'moderation']);

/** `code` and `vision` (spec §3.6) name kinds of chat: a grant of either allows chat calls. */
const CHAT_KINDS: ReadonlySet<string> = new Set(['chat', 'code', 'vision']);

/**
 * Hosted tools reach the web, run code or call servers of the app's choosing: a grant allows
 * one only when it names it, so an empty list (every standard capability) does not.
 */
const NAMED_ONLY: ReadonlySet<Capability> = new Set(HOSTED_TOOL_CAPABILITIES);

export function capabilityGranted(detail: GrantedAuthorizationDetail, capability: Capability): boolean {
  const granted = detail.capabilities;
  if (NAMED_ONLY.has(capability)) return granted?.includes(capability) ?? false;
  if (!granted || granted.length === 0 || IMPLIED.has(capability)) return true;
  if (capability === 'chat') return granted.some((c) => CHAT_KINDS.has(c));
  return granted.includes(capability);
}

/**
 * Empty or absent = every model (spec §3.3); else an exact id, compared in the adapter's form
 * (`modelKey`: Gemini's `models/<id>` and `<id>` are one model; grants may hold either form).
 */
export function modelGranted(detail: GrantedAuthorizationDetail, model: string, modelKey: (model: string) => string = (m) => m): boolean {
  const granted = detail.models;
  if (!granted || granted.length === 0) return true;
  const wanted = modelKey(model);
  return granted.some((m) => modelKey(m) === wanted);
}

/**
 * What the body asks for beyond its endpoint, against the grant: refusals the adapter found,
 * every capability it uses (hosted tools, output modalities) and every model it names.
 */
export function authorizeBody(detail: GrantedAuthorizationDetail, facts: BodyFacts, modelKey?: (model: string) => string): void {
  if (facts.refusal) throw new ProxyError(facts.refusal.type, facts.refusal.message);
  for (const capability of facts.capabilities) {
    if (!capabilityGranted(detail, capability)) {
      throw new ProxyError('capability_not_granted', `This OKAP token does not grant the ${capability} capability`);
    }
  }
  for (const model of facts.models) {
    if (!modelGranted(detail, model, modelKey)) {
      throw new ProxyError('model_not_granted', `This OKAP token does not grant access to the model ${model}`);
    }
  }
}

export function authorizeRoute(detail: GrantedAuthorizationDetail, route: Route, facts?: BodyFacts, modelKey?: (model: string) => string): void {
  if (!capabilityGranted(detail, route.capability)) {
    throw new ProxyError('capability_not_granted', `This OKAP token does not grant the ${route.capability} capability`);
  }
  if (facts) authorizeBody(detail, facts, modelKey);
  if (route.model !== undefined) {
    if (!modelGranted(detail, route.model, modelKey)) {
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
