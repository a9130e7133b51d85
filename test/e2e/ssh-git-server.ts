// OpenSSH's sshd on loopback for the sync engine's SSH transport tests: its own config, host key and
// authorized_keys in a temp dir, run in the foreground as the current user, serving Git through git-upload-pack.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from '../cluster/exit-cleanup.js';
import { findFreePort } from '../cluster/free-port.js';
import { waitFor } from './controller-harness.js';

export const SSHD = '/usr/sbin/sshd';

export interface SshKeyPair {
  /** OpenSSH private key file text. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA… comment` */
  readonly publicKey: string;
}

/** Writes an unencrypted ed25519 key pair to `path` and `path.pub`. */
function keygen(path: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
}

/** A fresh key pair (made in a temp dir that is removed again). */
export function generateSshKey(comment: string): SshKeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-e2e-sshkey-'));
  try {
    const path = join(dir, 'key');
    keygen(path, comment);
    return { privateKey: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The base64 lines of a private key file, without the BEGIN/END lines. */
export function privateKeyLines(privateKey: string): string[] {
  return privateKey.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
}

export interface AuthorizedKey {
  readonly publicKey: string;
  /** authorized_keys options, e.g. `command="…"`. */
  readonly options?: string;
}

export interface SshGitServerOptions {
  readonly authorizedKeys: readonly AuthorizedKey[];
  /** Default: a free port. */
  readonly port?: number;
}

export interface SshGitServer {
  readonly port: number;
  readonly user: string;
  /** The known_hosts line for this server's host key. */
  readonly knownHosts: string;
  /** `ssh://user@127.0.0.1:port/abs/path` */
  url(absolutePath: string): string;
  /** sshd's log so far. */
  output(): string;
  /** SIGTERM, wait for the exit, remove the temp dir. */
  stop(): Promise<void>;
}

/** `[127.0.0.1]:port key` (plain `127.0.0.1 key` on port 22, as ssh looks it up). */
function knownHostsLine(port: number, hostPublicKey: string): string {
  const [type, key] = hostPublicKey.split(' ');
  return `${port === 22 ? '127.0.0.1' : `[127.0.0.1]:${port}`} ${type} ${key}`;
}

function sshdConfig(dir: string, port: number, user: string): string {
  return [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `AllowUsers ${user}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    // The temp dir's modes are not what sshd demands of a home directory.
    'StrictModes no',
    'AcceptEnv GIT_PROTOCOL',
    'PermitTTY no',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

interface Started {
  readonly port: number;
  readonly child: ReturnType<typeof spawn>;
  readonly log: () => string;
}

/** Starts sshd once on `port`; resolves when it listens, rejects (with its log) when it exits first. */
async function startOn(dir: string, port: number, user: string): Promise<Started> {
  const config = join(dir, 'sshd_config');
  writeFileSync(config, sshdConfig(dir, port, user));
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', (error) => {
    exited = true;
    log += `\n${error.message}`;
  });
  try {
    await waitFor(
      `sshd listening on 127.0.0.1:${port}`,
      async () => {
        if (exited) throw new Error(`sshd exited: ${log.trim()}`);
        return log.includes('Server listening on');
      },
      10_000,
      25,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { port, child, log: () => log };
}

/**
 * Starts sshd on 127.0.0.1 with a fresh host key. The current user logs in with any of `authorizedKeys` only;
 * with no port given, a taken free port is retried with another.
 */
export async function startSshGitServer(options: SshGitServerOptions): Promise<SshGitServer> {
  // The privilege-separation directory sshd insists on (root may create it).
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-e2e-sshd-'));
  const user = userInfo().username;
  let started: Started | undefined;
  try {
    keygen(join(dir, 'host_key'), 'gitseal-e2e-host');
    const lines = options.authorizedKeys.map((k) => (k.options ? `${k.options} ${k.publicKey}` : k.publicKey));
    writeFileSync(join(dir, 'authorized_keys'), `${lines.join('\n')}\n`, { mode: 0o600 });
    for (let attempt = 1; !started; attempt++) {
      const port = options.port ?? (await findFreePort());
      try {
        started = await startOn(dir, port, user);
      } catch (error) {
        const raced = String(error).includes('Address already in use');
        if (!raced || options.port !== undefined || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { port, child, log } = started;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // A test process that dies without `after` must not leave a root sshd listening.
  const forget = onProcessExit(() => child.kill('SIGKILL'));
  const hostPublicKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim();
  return {
    port,
    user,
    knownHosts: knownHostsLine(port, hostPublicKey),
    url: (path) => `ssh://${user}@127.0.0.1:${port}${path}`,
    output: log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      forget();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
