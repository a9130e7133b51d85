import { InvalidArgumentError } from 'commander';

/** Output formats for manifests. */
export const OutputFormat = { Yaml: 'yaml', Json: 'json' } as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** Sealed value formats (crypto's Envelope): v1 is Bitnami's wire format, v2 gitseal's envelope (`gs2:…`). */
export type EnvelopeOption = 'v1' | 'v2';

/** The two SealedSecret API groups gitseal reads and writes. */
export const SealedApiVersion = { Gitseal: 'gitseal.dev/v1alpha1', Bitnami: 'bitnami.com/v1alpha1' } as const;
export type SealedApiVersion = (typeof SealedApiVersion)[keyof typeof SealedApiVersion];

function choice<T extends string>(what: string, values: readonly T[]): (value: string) => T {
  return (value: string): T => {
    if ((values as readonly string[]).includes(value)) {
      return value as T;
    }
    throw new InvalidArgumentError(`${what} must be one of ${values.join(', ')}`);
  };
}

export const parseFormat = choice('format', Object.values(OutputFormat));
export const parseEnvelope = choice('envelope', ['v1', 'v2'] as const);
export const parseScopeOption = choice('scope', ['strict', 'namespace-wide', 'cluster-wide'] as const);

/** `gitseal.dev/v1alpha1`, `bitnami.com/v1alpha1`, or just the group (`gitseal.dev`, `bitnami.com`). */
export function parseApiVersion(value: string): SealedApiVersion {
  switch (value) {
    case SealedApiVersion.Gitseal:
    case 'gitseal.dev':
      return SealedApiVersion.Gitseal;
    case SealedApiVersion.Bitnami:
    case 'bitnami.com':
      return SealedApiVersion.Bitnami;
    default:
      throw new InvalidArgumentError(`api version must be ${SealedApiVersion.Gitseal} or ${SealedApiVersion.Bitnami}`);
  }
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return n;
}

/** Collects a repeatable option; a comma-separated value (kubeseal's --recovery-private-key a,b) counts as several. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}

/** Collects a repeatable option as is. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The default envelope: v2 for gitseal.dev output, v1 for bitnami.com (Bitnami's controller reads only v1). */
export function defaultEnvelope(apiVersion: SealedApiVersion): EnvelopeOption {
  return apiVersion === SealedApiVersion.Bitnami ? 'v1' : 'v2';
}

/** The GitSync a `--prune-label <namespace>.<name>` names. */
export interface PruneLabel {
  readonly namespace: string;
  readonly name: string;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** `<namespace>.<name>` of a GitSync (a namespace has no dots, so the first dot splits). */
export function parsePruneLabel(value: string): PruneLabel {
  const dot = value.indexOf('.');
  const namespace = dot < 0 ? '' : value.slice(0, dot);
  const name = dot < 0 ? '' : value.slice(dot + 1);
  if (namespace.length > 63 || !NAMESPACE.test(namespace) || name.length > 253 || !OBJECT_NAME.test(name)) {
    throw new InvalidArgumentError('expected <namespace>.<name> of a GitSync, e.g. prod.web');
  }
  return { namespace, name };
}

/** How a reporting command prints: text for people (tables), json or yaml with a stable shape for scripts. */
export const ViewFormat = { Text: 'text', Json: 'json', Yaml: 'yaml' } as const;
export type ViewFormat = (typeof ViewFormat)[keyof typeof ViewFormat];
export const VIEW_FORMATS: readonly ViewFormat[] = Object.values(ViewFormat);
export const parseViewFormat = choice('output', VIEW_FORMATS);
