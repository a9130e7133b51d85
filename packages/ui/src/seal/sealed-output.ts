// Builds the SealedSecret manifest from sealed values, in the shape `gitseal seal` writes (buildSealedSecret).
import { dump } from 'js-yaml';

export type Scope = 'strict' | 'namespace-wide' | 'cluster-wide';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const isNamespace = (v: string): boolean => v.length <= 63 && DNS_LABEL.test(v);
export const isObjectName = (v: string): boolean => v.length <= 253 && DNS_SUBDOMAIN.test(v);

/** The scope label a value is bound to (docs/format.md): `ns/name`, `ns`, or empty. */
export function scopeLabelOf(scope: Scope, namespace: string, name: string): string {
  if (scope === 'cluster-wide') return '';
  if (!isNamespace(namespace)) throw new Error(`${scope} scope needs a valid namespace`);
  if (scope === 'namespace-wide') return namespace;
  if (!isObjectName(name)) throw new Error('strict scope needs a valid name');
  return `${namespace}/${name}`;
}

export interface SealedSecretParts {
  readonly name: string;
  readonly namespace?: string;
  readonly scope: Scope;
  readonly type: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly encryptedData: Record<string, string>;
}

const SCOPE_ANNOTATION: Record<Scope, string | undefined> = {
  strict: undefined,
  'namespace-wide': 'gitseal.dev/namespace-wide',
  'cluster-wide': 'gitseal.dev/cluster-wide',
};

/** A `gitseal.dev/v1alpha1` SealedSecret; the scope annotation on metadata (none for strict). */
export function sealedSecretObject(parts: SealedSecretParts): Record<string, unknown> {
  const scope = SCOPE_ANNOTATION[parts.scope];
  const ns = parts.namespace ? { namespace: parts.namespace } : {};
  const nonEmpty = (m: Record<string, string> | undefined) => (m && Object.keys(m).length > 0 ? m : undefined);
  const labels = nonEmpty(parts.labels);
  const annotations = nonEmpty(parts.annotations);
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: parts.name, ...ns, ...(scope ? { annotations: { [scope]: 'true' } } : {}) },
    spec: {
      encryptedData: parts.encryptedData,
      template: {
        metadata: {
          name: parts.name,
          ...ns,
          ...(labels ? { labels } : {}),
          ...(annotations ? { annotations } : {}),
        },
        type: parts.type,
      },
    },
  };
}

export function formatSealed(object: Record<string, unknown>, format: 'yaml' | 'json'): string {
  return format === 'json' ? `${JSON.stringify(object, null, 2)}\n` : dump(object, { lineWidth: -1, noRefs: true });
}
