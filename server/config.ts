import { resolve } from 'node:path';

/** Everything the server reads from its environment, read once at start. */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** base64, 32 bytes; else a key file in the data directory. */
  serverKey: string | undefined;
  ownerToken: string | undefined;
  publicUrl: string;
  /** How long POST /okap/request holds a request open for the owner's decision. */
  approvalWaitMs: number;
  /** IANA zone whose days and months the spend and daily limits count in. */
  timeZone: string;
}

export class ConfigError extends Error {}

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = int('PORT', env.PORT, 8787, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('DATABASE_URL must start with postgres://');
  const publicUrl = (env.OKAP_PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError('OKAP_PUBLIC_URL must be an absolute URL');
  }
  const ownerToken = env.OKAP_OWNER_TOKEN || undefined;
  if (ownerToken !== undefined && ownerToken.length < 16) throw new ConfigError('OKAP_OWNER_TOKEN must be at least 16 characters');
  return {
    port,
    host,
    dataDir: resolve(env.OKAP_DATA_DIR || './.okap-vault'),
    databaseUrl,
    serverKey: env.OKAP_SERVER_KEY || undefined,
    ownerToken,
    publicUrl,
    approvalWaitMs: int('OKAP_APPROVAL_WAIT_S', env.OKAP_APPROVAL_WAIT_S, 25, 1, 3600) * 1000,
    timeZone: env.OKAP_TIME_ZONE || 'UTC',
  };
}
