import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';

const run = promisify(execFile);

export interface Pki {
  caPem: string;
  caCertPath: string;
  servingCertPath: string;
  servingKeyPath: string;
  /** EC key (SEC1 PEM) that signs and verifies service-account tokens. */
  serviceAccountKeyPath: string;
}

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A throwaway CA and a kube-apiserver serving certificate for 127.0.0.1/localhost (plus `extraSans`, e.g.
 * `IP:10.96.0.1`), made with the openssl CLI.
 */
export async function generatePki(dir: string, extraSans: readonly string[] = []): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pki: Pki = {
    caPem: '',
    caCertPath: join(dir, 'ca.crt'),
    servingCertPath: join(dir, 'apiserver.crt'),
    servingKeyPath: join(dir, 'apiserver.key'),
    serviceAccountKeyPath: join(dir, 'service-account.key'),
  };
  const caKeyPath = join(dir, 'ca.key');
  await openssl([
    ...['req', '-x509', ...ecKey, '-keyout', caKeyPath, '-out', pki.caCertPath, '-days', '7'],
    ...['-subj', '/CN=gitseal-test-ca'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  await openssl([
    ...['req', '-x509', '-CA', pki.caCertPath, '-CAkey', caKeyPath, ...ecKey],
    ...['-keyout', pki.servingKeyPath, '-out', pki.servingCertPath, '-days', '7', '-subj', '/CN=kube-apiserver'],
    ...['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature'],
    ...[
      '-addext',
      'extendedKeyUsage=serverAuth',
      '-addext',
      `subjectAltName=${['IP:127.0.0.1', 'DNS:localhost', ...extraSans].join(',')}`,
    ],
  ]);
  // kube-apiserver reads SEC1 ("EC PRIVATE KEY") or PKCS#1 here, not PKCS#8.
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'sec1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writeFile(pki.serviceAccountKeyPath, privateKey, { mode: 0o600 });
  pki.caPem = await readFile(pki.caCertPath, 'utf8');
  return pki;
}

export interface IssuedCertificate {
  readonly certPath: string;
  readonly keyPath: string;
}

/**
 * A certificate signed by the PKI's CA (in `dir`, from generatePki): a client certificate for `cn` in groups `orgs`,
 * and a server one too when `sans` are given.
 */
export async function issueCertificate(
  dir: string,
  name: string,
  subject: { cn: string; orgs?: readonly string[]; sans?: readonly string[] },
): Promise<IssuedCertificate> {
  const issued = { certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`) };
  const subj = ['', ...(subject.orgs ?? []).map((o) => `O=${o}`), `CN=${subject.cn}`].join('/');
  const server = subject.sans && subject.sans.length > 0;
  await openssl([
    ...['req', '-x509', '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), ...ecKey],
    ...['-keyout', issued.keyPath, '-out', issued.certPath, '-days', '7', '-subj', subj],
    ...['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature'],
    ...['-addext', `extendedKeyUsage=${server ? 'serverAuth,clientAuth' : 'clientAuth'}`],
    ...(server ? ['-addext', `subjectAltName=${(subject.sans ?? []).join(',')}`] : []),
  ]);
  return issued;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'openssl is not installed' : String(error);
    throw new ClusterError(ClusterErrorCode.StartFailed, `cannot generate test certificates: ${reason.split('\n')[0]}`);
  }
}
