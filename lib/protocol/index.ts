/** OKAP wire protocol: request and response schemas, error shapes, versions. Portable: no browser APIs. */
export { OKAP_VERSION, SUPPORTED_VERSIONS, isSupportedVersion } from './versions';
export {
  MAX_AUTHORIZATION_DETAILS,
  MAX_CLIENT_NAME_LENGTH,
  MAX_LIST_ITEM_LENGTH,
  MAX_LIST_ITEMS,
  MAX_REASON_LENGTH,
  MAX_REQUEST_BYTES,
} from './limits';
export { CAPABILITY_DESCRIPTIONS, HOSTED_TOOL_CAPABILITIES, STANDARD_CAPABILITIES, type HostedToolCapabilityName } from './capabilities';
export { PROVIDER_ID_PATTERN, clientSchema, limitsSchema, providerIdSchema } from './fields';
export {
  AI_MODEL_ACCESS,
  authorizationDetailSchema,
  okapRequestSchema,
  okapVersionSchema,
  type AuthorizationDetail,
  type Limits,
  type OkapClient,
  type OkapRequest,
} from './request';
export { normalizeShorthand, okapShorthandSchema, type OkapShorthand } from './shorthand';
export {
  DEFAULT_DENIAL_REASON,
  OKAP_TOKEN_PATTERN,
  deniedResponse,
  deniedResponseSchema,
  grantedAuthorizationDetailSchema,
  grantedResponse,
  grantedResponseSchema,
  isOkapToken,
  okapResponseSchema,
  type DeniedResponse,
  type GrantedAuthorizationDetail,
  type GrantedResponse,
  type OkapResponse,
} from './response';
export {
  OKAP_WIRE_ERROR_TYPES,
  defaultErrorMessage,
  okapErrorBody,
  okapErrorBodySchema,
  type OkapErrorBody,
  type OkapWireErrorType,
} from './errors';
export {
  OKAP_ERROR_CODES,
  isOkapErrorCode,
  okapError,
  okapErrorSchema,
  toOkapError,
  type OkapError,
  type OkapErrorCode,
  type OkapRequestError,
} from './okap-error';
export { parseOkapRequest, type ParseOkapRequestResult } from './parse';
export { parseUntrusted, type UntrustedResult } from './untrusted';
export { snapshot, type SnapshotResult } from './snapshot';
export { formatPath } from './path';
