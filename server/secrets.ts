import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toBase64Url } from '../lib/encoding/base64';
import { ConfigError } from './config';

/**
 * The key provider keys are sealed under: OKAP_SERVER_KEY (base64, 32 bytes), else a file made
 * on first start in the data directory, readable by this user only. With several processes on
 * PostgreSQL, give them all the same OKAP_SERVER_KEY.
 */
export function loadServerKey(given: string | undefined, dataDir: string): Uint8Array {
  if (given !== undefined) return decodeKey(given, 'OKAP_SERVER_KEY');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'server.key');
  if (!existsSync(file)) {
    // 'wx': two processes starting at once cannot both write one.
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return decodeKey(readFileSync(file, 'utf8').trim(), file);
}

function decodeKey(text: string, where: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 32) throw new ConfigError(`${where} must be 32 bytes in base64`);
  return new Uint8Array(bytes);
}

/** A random secret with a recognisable prefix (owner and device tokens). */
export const newSecret = (prefix: string): string => `${prefix}${toBase64Url(randomBytes(32))}`;
