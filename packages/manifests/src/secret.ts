import type { ObjectMeta } from './object-meta.js';

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  immutable?: boolean;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export const SecretType = {
  Opaque: 'Opaque',
  Tls: 'kubernetes.io/tls',
  DockerConfigJson: 'kubernetes.io/dockerconfigjson',
  BasicAuth: 'kubernetes.io/basic-auth',
  SshAuth: 'kubernetes.io/ssh-auth',
  ServiceAccountToken: 'kubernetes.io/service-account-token',
} as const;
