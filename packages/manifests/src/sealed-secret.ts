import type { SealedSecretApiVersion } from './api-versions.js';
import type { ObservedCondition, ObjectMeta } from './object-meta.js';

/** The metadata a SealedSecret's template may set on the Secret it produces. */
export interface SecretTemplateMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface SealedSecretTemplate {
  metadata?: SecretTemplateMeta;
  type?: string;
  immutable?: boolean;
  /** Go-template strings rendered with the decrypted values (Bitnami compatible). */
  data?: Record<string, string>;
}

export interface SealedSecretSpec {
  /** key → sealed value (Bitnami v1 base64, or a `gs2:` envelope). */
  encryptedData: Record<string, string>;
  template?: SealedSecretTemplate;
}

export const SealedSecretConditionType = {
  Synced: 'Synced',
} as const;

export interface SealedSecretStatus {
  conditions?: ObservedCondition[];
  observedGeneration?: number;
}

export interface SealedSecret {
  apiVersion: SealedSecretApiVersion;
  kind: 'SealedSecret';
  metadata: ObjectMeta & { name: string };
  spec: SealedSecretSpec;
  status?: SealedSecretStatus;
}
