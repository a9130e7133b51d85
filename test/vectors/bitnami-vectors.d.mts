export interface VectorKey {
  readonly name: string;
  /** `SHA256:` and the unpadded base64 of the SSH wire form's SHA-256 (what `ssh-keygen -l` prints). */
  readonly fingerprint: string;
  readonly certPem: string;
  /** PKCS#1 `RSA PRIVATE KEY`. */
  readonly keyPem: string;
}

export interface VectorCase {
  readonly id: string;
  readonly note?: string;
  /** The name of the key that sealed it. */
  readonly key: string;
  readonly scope: 'strict' | 'namespace-wide' | 'cluster-wide';
  readonly namespace: string;
  readonly name: string;
  /** The OAEP label at sealing time. */
  readonly label: string;
  readonly encryptedData: Record<string, string>;
  readonly plaintextBase64: Record<string, string>;
  readonly expect: 'ok' | 'error:decrypt' | 'error:decode';
}

export const VECTORS_DIR: string;
export function loadVectorKeys(): VectorKey[];
export function loadVectorCases(): VectorCase[];
export function vectorKey(name: string): VectorKey;
