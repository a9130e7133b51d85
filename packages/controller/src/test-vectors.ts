import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Test helper: the shared Bitnami-format interop vectors (read-only), from GITSEAL_VECTORS or the in-repo copy (test/vectors, refreshed by test/vectors/refresh.sh). */
export interface VectorKey {
  readonly name: string;
  readonly fingerprint: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface VectorCase {
  readonly id: string;
  readonly key: string;
  readonly scope: 'strict' | 'namespace-wide' | 'cluster-wide';
  readonly namespace: string;
  readonly name: string;
  readonly label: string;
  readonly encryptedData: Record<string, string>;
  readonly plaintextBase64: Record<string, string>;
  readonly expect: 'ok' | 'error:decrypt' | 'error:decode';
}

function vectorsDir(): string {
  return (
    process.env.GITSEAL_VECTORS ?? fileURLToPath(new URL('../../../test/vectors/bitnami-format/', import.meta.url))
  );
}

export function loadVectorKeys(): VectorKey[] {
  return JSON.parse(readFileSync(join(vectorsDir(), 'keys.json'), 'utf8')) as VectorKey[];
}

export function loadVectorCases(): VectorCase[] {
  return JSON.parse(readFileSync(join(vectorsDir(), 'vectors.json'), 'utf8')) as VectorCase[];
}
