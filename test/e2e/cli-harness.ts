// Shared helpers for the CLI's process-level tests (test/e2e/cli-*.test.ts): run `gitseal` as a real process,
// make key pairs and temp dirs, and check the bad-input contract (one stderr line, nothing on stdout, no plaintext).
import { createSelfSignedCertificate, exportPrivateKeyPem, generateKeyPair, readCertificate } from '@gitseal/crypto';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vectorKey } from '../support/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'gitseal.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string | Buffer;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
}

/** Runs `node packages/cli/bin/gitseal.js ...args` with a clean KUBECONFIG unless env overrides it. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, KUBECONFIG: '/nonexistent/kubeconfig', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // the CLI may stop reading early (size cap)
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A plaintext marker: a recognisable secret value that must never show up outside stdout of unseal. */
export function marker(tag: string): string {
  return `PLAINTEXT-${tag}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Every form a marker could leak in: raw, base64, and base64 of the UTF-8 bytes split over a line. */
function leakForms(markers: readonly string[]): string[] {
  return markers.flatMap((m) => [m, Buffer.from(m).toString('base64').replace(/=+$/, '')]);
}

export function assertNoMarkers(text: string, markers: readonly string[], where: string): void {
  for (const form of leakForms(markers)) {
    assert.ok(!text.includes(form), `${where} leaks a plaintext marker`);
  }
}

export interface FailureExpectation {
  /** Expected exit code (default: 1). */
  readonly code?: number;
  /** Substrings the single stderr line must contain (object / file name and cause). */
  readonly mentions: readonly string[];
  /** Plaintext markers that must not appear anywhere. */
  readonly markers?: readonly string[];
}

/** The bad-input contract: given exit code, nothing on stdout, exactly one line on stderr naming what failed. */
export function assertFailure(result: CliResult, expected: FailureExpectation): void {
  assert.equal(result.code, expected.code ?? 1, `exit code (stderr: ${result.stderr})`);
  assert.equal(result.stdout, '', 'nothing on stdout');
  const lines = result.stderr.split('\n');
  assert.equal(lines.length, 2, `exactly one line on stderr, got: ${JSON.stringify(result.stderr)}`);
  assert.equal(lines[1], '');
  for (const mention of expected.mentions) {
    assert.ok(
      lines[0]?.includes(mention),
      `stderr ${JSON.stringify(lines[0])} should mention ${JSON.stringify(mention)}`,
    );
  }
  assertNoMarkers(result.stderr + result.stdout, expected.markers ?? [], 'output');
}

/** Exit 0; stderr empty, or exactly `stderrLines` (e.g. the {@link certLine} of seal, reencrypt and cert). */
export function assertSuccess(result: CliResult, stderrLines: readonly string[] = []): void {
  assert.equal(result.code, 0, `exit code 0 expected, stderr: ${result.stderr}`);
  const expected = stderrLines.map((line) => `${line}\n`).join('');
  assert.equal(result.stderr, expected, stderrLines.length === 0 ? 'nothing on stderr' : 'exactly these stderr lines');
}

/**
 * The one stderr line of a command that used a certificate: `sealing to certificate` (seal, reencrypt) or
 * `certificate` (cert), its fingerprint, and where it came from (`from` holds the source and any check).
 */
export function certLine(what: 'sealing to certificate' | 'certificate', certPem: string, from: string): string {
  return `gitseal: ${what} ${readCertificate(certPem).fingerprint} (from ${from})`;
}

/** {@link certLine} of `seal --cert <file>`. */
export function sealingLine(keys: Pick<KeyFiles, 'certPem' | 'certPath'>): string {
  return certLine('sealing to certificate', keys.certPem, keys.certPath);
}

/** A fresh temp dir; removed by the returned cleanup function. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gitseal-cli-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface KeyFiles {
  readonly keyPath: string;
  readonly certPath: string;
  readonly keyPem: string;
  readonly certPem: string;
}

/** An RSA key pair (2048 bits unless told, for speed) with a self-signed certificate, written as PEM files. */
export async function writeKeyPair(dir: string, name: string, bits = 2048): Promise<KeyFiles> {
  const { privateKey, publicKey } = await generateKeyPair(bits);
  const certPem = createSelfSignedCertificate({ privateKey, publicKey });
  const keyPem = exportPrivateKeyPem(privateKey).reveal().toString('utf8');
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  await writeFile(keyPath, keyPem, { mode: 0o600 });
  await writeFile(certPath, certPem);
  return { keyPath, certPath, keyPem, certPem };
}

export { loadVectorCases, loadVectorKeys, VECTORS_DIR, type VectorCase, type VectorKey } from '../support/index.js';

/** Writes one vector key's PEMs to dir and returns their paths. */
export async function writeVectorKey(dir: string, name: string): Promise<KeyFiles> {
  const key = vectorKey(name);
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  await writeFile(keyPath, key.keyPem, { mode: 0o600 });
  await writeFile(certPath, key.certPem);
  return { keyPath, certPath, keyPem: key.keyPem, certPem: key.certPem };
}

function openssl(args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `openssl ${args.join(' ')}: ${result.stderr}`);
}

/** Certificates that must be refused, for `cert` and `seal`: path and the cause each must name. */
export async function writeBadCerts(
  target: string,
  goodCertPem: string,
): Promise<Record<string, { path: string; mention: string }>> {
  const notCert = join(target, 'not-a-cert.pem');
  await writeFile(notCert, 'hello, I am not a certificate\n');
  const { privateKey, publicKey } = await generateKeyPair(2048);
  const expired = join(target, 'expired.pem');
  await writeFile(
    expired,
    createSelfSignedCertificate({
      privateKey,
      publicKey,
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      validityDays: 2,
    }),
  );
  const ecKey = join(target, 'ec.key');
  const ec = join(target, 'ec.pem');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', ecKey]);
  openssl(['req', '-x509', '-new', '-key', ecKey, '-subj', '/CN=ec', '-days', '30', '-out', ec]);
  const smallKey = join(target, 'small.key');
  const small = join(target, 'small.pem');
  openssl(['genrsa', '-out', smallKey, '1024']);
  openssl(['req', '-x509', '-new', '-key', smallKey, '-subj', '/CN=small', '-days', '30', '-out', small]);
  const two = join(target, 'two.pem');
  await writeFile(two, goodCertPem + (await readFile(expired, 'utf8')));
  return {
    'not a cert': { path: notCert, mention: 'no PEM block' },
    expired: { path: expired, mention: 'expired' },
    'not RSA': { path: ec, mention: 'not RSA' },
    'under 2048 bits': { path: small, mention: '1024' },
    'two certs': { path: two, mention: 'one PEM block' },
    unreadable: { path: join(target, 'missing.pem'), mention: 'no such file' },
  };
}
