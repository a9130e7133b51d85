import { KeyState, type KeySet } from './key-set.js';

export const CERTS_CONFIG_MAP = 'gitseal-certs';

export interface CertEntry {
  readonly keyId: string;
  readonly fingerprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly state: KeyState;
  readonly sealing: boolean;
}

export interface CertsConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    /** Only on a replace: the version it overwrites. */
    resourceVersion?: string;
  };
  data: Record<string, string>;
}

/**
 * The public half of the key set, for clients that cannot reach the API: `<keyId>.pem` for every key that is not
 * compromised, `cert.pem` (the sealing certificate) and `certs.json` describing every key.
 */
export function certsConfigMap(keys: KeySet, namespace: string): CertsConfigMap {
  const data: Record<string, string> = {};
  const entries: CertEntry[] = keys.keys.map((key) => ({
    keyId: key.held.keyId,
    fingerprint: key.held.fingerprint,
    notBefore: key.notBefore.toISOString(),
    notAfter: key.notAfter.toISOString(),
    state: key.state,
    sealing: key === keys.sealing,
  }));
  for (const key of keys.keys) {
    if (key.state !== KeyState.Compromised) data[`${key.held.keyId}.pem`] = key.certificatePem;
  }
  if (keys.sealing) data['cert.pem'] = keys.sealing.certificatePem;
  data['certs.json'] = `${JSON.stringify(entries, null, 2)}\n`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CERTS_CONFIG_MAP, namespace, labels: { 'app.kubernetes.io/managed-by': 'gitseal-controller' } },
    data,
  };
}
