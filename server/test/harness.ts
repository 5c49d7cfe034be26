/**
 * Runs `server/main.ts` as a real process on a free port, the way `npm run vault` does, and
 * talks to it over HTTP. Tests use it; nothing here reaches into the server's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `okap-${name}-`));

export interface VaultProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** The owner token printed on first start (or the one given). */
  ownerToken: string | undefined;
  stdout: string[];
  stderr: string[];
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
  owner(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** `npm: true` runs `npm run vault` itself (signals then go to npm, which passes them on). */
export async function startVault(
  env: Record<string, string>,
  options: { port?: number; nodeArgs?: string[]; npm?: boolean } = {},
): Promise<VaultProcess> {
  const port = options.port ?? (await freePort());
  const [command, args] = options.npm
    ? ['npm', ['run', '--silent', 'vault']]
    : [process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts']];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let ownerToken = env.OKAP_OWNER_TOKEN;
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`vault did not start:\n${stderr.join('')}`)), 120_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => stdout.push(d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr.push(d);
      const token = /Owner token[^:]*: (\S+)/.exec(d)?.[1];
      if (token) ownerToken = token;
      if (/OKAP vault listening/.test(stderr.join(''))) {
        // The owner token line follows the listening line in the same write or the next one.
        setTimeout(() => {
          clearTimeout(timer);
          ok();
        }, 50);
      }
    });
    void exited.then((code) => fail(new Error(`vault exited with ${code}:\n${stderr.join('')}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    child,
    get ownerToken() {
      return ownerToken;
    },
    stdout,
    stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    owner(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${ownerToken}`);
      if (init.json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${url}${path}`, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
    },
  };
}

/** Asks for access over §7.2 and approves it through the owner API; returns the granted response. */
export async function grantAccess(vault: VaultProcess, request: unknown, approve: unknown = {}): Promise<GrantedWire> {
  const asked = await fetch(`${vault.url}/okap/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  const pending = (await asked.json()) as { status: string; request_id: string; poll_url: string };
  if (asked.status === 200) return pending as unknown as GrantedWire;
  if (asked.status !== 202) throw new Error(`authorize: ${asked.status} ${JSON.stringify(pending)}`);
  const approved = await vault.owner(`/owner/requests/${pending.request_id}/approve`, { method: 'POST', json: approve });
  if (!approved.ok) throw new Error(`approve: ${approved.status} ${await approved.text()}`);
  const polled = await fetch(`${pending.poll_url}?wait=5`);
  return (await polled.json()) as GrantedWire;
}

export interface GrantedWire {
  okap: string;
  status: 'granted';
  token: string;
  authorization_details: { provider: string; base_url: string; models?: string[]; limits?: Record<string, number>; expires: string }[];
}

export const baseUrlOf = (g: GrantedWire, provider: string): string => g.authorization_details.find((d) => d.provider === provider)!.base_url;
