/**
 * OKAP protocol versions. A minor version only adds optional fields, so a 1.x request is read with the
 * 1.0 rules (unknown fields are dropped); another major version may change meanings and is refused.
 */

/** The version this vault writes into every response. */
export const OKAP_VERSION = '1.0';

/** Named in the error a page gets when it speaks another major version. */
export const SUPPORTED_VERSIONS: readonly string[] = Object.freeze(['1.0', '1.x']);

const SUPPORTED_MAJOR = /^1\.(0|[1-9][0-9]{0,5})$/;

export function isSupportedVersion(version: unknown): version is string {
  return typeof version === 'string' && SUPPORTED_MAJOR.test(version);
}

export function unsupportedVersionMessage(version: unknown): string {
  const supported = `this vault supports ${SUPPORTED_VERSIONS.join(' and ')}`;
  if (version === undefined) return `required: the OKAP version, for example "1.0"; ${supported}`;
  // Quote only a short slice: the message is shown to a person and must not echo a huge string back.
  const shown =
    typeof version === 'string'
      ? JSON.stringify(version.slice(0, 20))
      : version === null
        ? 'null'
        : Array.isArray(version)
          ? 'array'
          : typeof version;
  return `unsupported OKAP version ${shown}; ${supported}`;
}
