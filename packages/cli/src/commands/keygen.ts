import {
  createSelfSignedCertificate,
  exportPrivateKeyPem,
  generateKeyPair,
  keyId,
  sshFingerprint,
} from '@gitseal/crypto';
import { access, unlink } from 'node:fs/promises';
import { CliError, wrapError } from '../cli-error.js';
import { writeFileAtomic } from '../write-file-atomic.js';

export interface KeygenOptions {
  readonly outKey: string;
  readonly outCert: string;
  readonly bits: number;
  readonly force?: boolean;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** `gitseal keygen`: a new RSA key (mode 0600) and a self-signed certificate; prints the fingerprint and key id. */
export async function runKeygen(raw: Record<string, unknown>): Promise<string> {
  const options = raw as unknown as KeygenOptions;
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
  const exclusive = !options.force;
  await writeFileAtomic(options.outKey, keyPem, { mode: 0o600, exclusive });
  try {
    await writeFileAtomic(options.outCert, certPem, { mode: 0o644, exclusive });
  } catch (error) {
    // Do not leave a key without its certificate behind.
    await unlink(options.outKey).catch(() => undefined);
    throw error;
  }
  return summary;
}
