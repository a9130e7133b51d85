import {
  createSelfSignedCertificate,
  exportPrivateKeyPem,
  generateKeyPair,
  keyId,
  sshFingerprint,
} from '@gitseal/crypto';
import { access, unlink } from 'node:fs/promises';
import { CliError, wrapError } from '../cli-error.js';
import { stageFile, type StagedFile } from '../write-file-atomic.js';

export interface KeygenOptions {
  readonly outKey: string;
  readonly outCert: string;
  readonly bits: number;
  readonly force?: boolean | undefined;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** `gitseal keygen`: a new RSA key (mode 0600) and a self-signed certificate; prints the fingerprint and key id. */
export async function runKeygen(options: KeygenOptions): Promise<string> {
  if (options.outKey === options.outCert) {
    throw new CliError(`${options.outKey}: --out-key and --out-cert must be different files`);
  }
  if (!options.force) {
    for (const path of [options.outKey, options.outCert]) {
      if (await exists(path)) {
        throw new CliError(`${path}: already exists; use --force to overwrite`);
      }
    }
  }
  let keyPem: string;
  let certPem: string;
  let summary: string;
  try {
    const { privateKey, publicKey } = await generateKeyPair(options.bits);
    certPem = createSelfSignedCertificate({ privateKey, publicKey });
    keyPem = exportPrivateKeyPem(privateKey).reveal().toString('utf8');
    summary = `${sshFingerprint(publicKey)} (key id ${keyId(publicKey)}, RSA-${options.bits})\n`;
  } catch (error) {
    throw wrapError('keygen', error);
  }
  await writeKeyAndCert(options, keyPem, certPem);
  return summary;
}

/**
 * Both files are staged (written and synced under temp names) before either target is touched, so a failure
 * while writing leaves any existing key and certificate as they were. Without --force the targets are created
 * exclusively, and a key we just created is removed again if its certificate cannot be put beside it; a key
 * that replaced an old one is never removed (that would lose both).
 */
async function writeKeyAndCert(options: KeygenOptions, keyPem: string, certPem: string): Promise<void> {
  const exclusive = !options.force;
  const key = await stageFile(options.outKey, keyPem, { mode: 0o600, exclusive });
  let cert: StagedFile;
  try {
    cert = await stageFile(options.outCert, certPem, { mode: 0o644, exclusive });
  } catch (error) {
    await key.discard();
    throw error;
  }
  try {
    await key.commit();
  } catch (error) {
    await cert.discard();
    throw error;
  }
  try {
    await cert.commit();
  } catch (error) {
    if (exclusive) {
      await unlink(options.outKey).catch(() => undefined);
      throw error;
    }
    const message = error instanceof CliError ? error.message : `${options.outCert}: cannot write`;
    throw new CliError(`${message}; ${options.outKey} already holds the new key`);
  }
}
