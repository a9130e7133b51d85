import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SSH_LIVENESS } from './git-command.js';
import { GitTransport } from './git-url.js';
import { SyncError, SyncErrorCode } from './sync-error.js';
import { hasControlChars } from './control-chars.js';

/** Credentials for a Git source, read from the GitSync's `spec.source.secretRef` and handed in as plain values. */
export interface GitAuth {
  /** HTTPS basic auth. */
  username?: string;
  password?: string;
  /** HTTPS `Authorization: Bearer …`. */
  bearerToken?: string;
  /** SSH private key (OpenSSH or PEM). */
  sshPrivateKey?: string;
  /** OpenSSH known_hosts lines; required for SSH sources (host keys are always checked). */
  knownHosts?: string;
  /** PEM CA bundle for HTTPS. */
  caBundle?: string;
}

/** Environment and config entries that carry credentials to git without putting them on a command line. */
export interface GitAuthSetup {
  readonly env: Record<string, string>;
  readonly config: readonly (readonly [key: string, value: string])[];
  /** The secret values, so messages can be scrubbed of them. */
  readonly secrets: readonly string[];
}

const SECRET_DATA_KEYS = {
  username: 'username',
  password: 'password',
  bearerToken: 'bearerToken',
  sshPrivateKey: 'identity',
  knownHosts: 'known_hosts',
  caBundle: 'ca.crt',
} as const;

/**
 * Maps a credentials Secret's data (Flux GitRepository keys: `username`, `password`, `bearerToken`,
 * `identity`, `known_hosts`, `ca.crt`, or `caFile`) to GitAuth. Values are decoded Secret data.
 */
export function gitAuthFromSecretData(data: Readonly<Record<string, string | Uint8Array>>): GitAuth {
  const text = (key: string): string | undefined => {
    const value = data[key];
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  };
  const auth: GitAuth = {};
  for (const [field, key] of Object.entries(SECRET_DATA_KEYS) as [keyof GitAuth, string][]) {
    const value = text(key);
    if (value !== undefined && value !== '') auth[field] = value;
  }
  const caFile = text('caFile');
  if (auth.caBundle === undefined && caFile) auth.caBundle = caFile;
  return auth;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function checkOneLine(what: string, value: string): void {
  if (hasControlChars(value)) {
    throw new SyncError(SyncErrorCode.InvalidUrl, `Git credentials: ${what} must be a single line`);
  }
}

/** Reads username and password from the environment, so neither appears in any command line. */
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; printf "username=%s\\npassword=%s\\n" "$GITSEAL_GIT_USERNAME" "$GITSEAL_GIT_PASSWORD"; }; f';

function httpAuth(auth: GitAuth, env: Record<string, string>, config: [string, string][]): void {
  if (auth.bearerToken !== undefined) {
    checkOneLine('bearerToken', auth.bearerToken);
    config.push(['http.extraHeader', `Authorization: Bearer ${auth.bearerToken}`]);
  }
  if (auth.password !== undefined || auth.username !== undefined) {
    const username = auth.username ?? 'git';
    const password = auth.password ?? '';
    checkOneLine('username', username);
    checkOneLine('password', password);
    env['GITSEAL_GIT_USERNAME'] = username;
    env['GITSEAL_GIT_PASSWORD'] = password;
    config.push(['credential.helper', CREDENTIAL_HELPER]);
  }
}

async function sshAuth(auth: GitAuth, dir: string, env: Record<string, string>): Promise<void> {
  if (auth.knownHosts === undefined || auth.knownHosts.trim() === '') {
    throw new SyncError(
      SyncErrorCode.InvalidUrl,
      'SSH source needs known_hosts in its credentials Secret (host keys are always verified)',
    );
  }
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, auth.knownHosts.endsWith('\n') ? auth.knownHosts : `${auth.knownHosts}\n`, {
    mode: 0o600,
  });
  const args = [
    'ssh',
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${shellQuote(knownHosts)}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    ...SSH_LIVENESS,
  ];
  if (auth.sshPrivateKey !== undefined) {
    const identity = join(dir, 'identity');
    const key = auth.sshPrivateKey.endsWith('\n') ? auth.sshPrivateKey : `${auth.sshPrivateKey}\n`;
    await writeFile(identity, key, { mode: 0o600 });
    args.push('-o', 'IdentitiesOnly=yes', '-i', shellQuote(identity));
  }
  env['GIT_SSH_COMMAND'] = args.join(' ');
  env['GIT_SSH_VARIANT'] = 'ssh';
}

/**
 * Turns GitAuth into env and config for one git session. Files (CA bundle, SSH key, known_hosts) are written
 * 0600 into `dir`, a private per-session directory the caller removes afterwards.
 */
export async function setUpGitAuth(
  auth: GitAuth | undefined,
  transport: GitTransport,
  dir: string,
): Promise<GitAuthSetup> {
  const env: Record<string, string> = {};
  const config: [string, string][] = [];
  const given = auth ?? {};
  if (transport === GitTransport.Https || transport === GitTransport.Http) {
    httpAuth(given, env, config);
    if (given.caBundle !== undefined) {
      const caFile = join(dir, 'ca.crt');
      await writeFile(caFile, given.caBundle, { mode: 0o600 });
      env['GIT_SSL_CAINFO'] = caFile;
    }
  } else if (transport === GitTransport.Ssh) {
    await sshAuth(given, dir, env);
  }
  const secrets = [given.password, given.bearerToken, given.sshPrivateKey].filter(
    (s): s is string => s !== undefined && s.length >= 4,
  );
  return { env, config, secrets };
}
