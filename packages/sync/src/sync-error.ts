import { CodedError } from '@gitseal/crypto';

/** PascalCase reasons, usable as a condition reason on a GitSync. */
export const SyncReason = {
  GitFetchFailed: 'GitFetchFailed',
  RenderFailed: 'RenderFailed',
  InvalidManifest: 'InvalidManifest',
  SealedSecretUndecryptable: 'SealedSecretUndecryptable',
  PlaintextSecretInGit: 'PlaintextSecretInGit',
  DuplicateObject: 'DuplicateObject',
  ApplyFailed: 'ApplyFailed',
  PruneFailed: 'PruneFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  /** A tenant GitSync's revision touches gitseal's own objects or the controller's namespace. */
  ProtectedObject: 'ProtectedObject',
  /** A tenant GitSync's revision holds an object outside its namespace (cluster-scoped or another namespace). */
  ObjectOutsideNamespace: 'ObjectOutsideNamespace',
  /** An object of the revision is owned by another GitSync. */
  OwnershipConflict: 'OwnershipConflict',
  /** Objects of the revision the API server would refuse (unserved kind, invalid, forbidden): nothing written. */
  ValidationFailed: 'ValidationFailed',
  /** A PreSync, Sync or PostSync hook failed or did not finish within the timeout. */
  HookFailed: 'HookFailed',
  /** The GitSync's spec cannot be used as written (e.g. a spec.healthChecks expression that does not compile). */
  InvalidSpec: 'InvalidSpec',
  /** A Helm chart could not be resolved or fetched from its repository or OCI registry. */
  ChartFetchFailed: 'ChartFetchFailed',
} as const;
export type SyncReason = (typeof SyncReason)[keyof typeof SyncReason];

export const SyncErrorCode = {
  InvalidUrl: 'INVALID_URL',
  InvalidRef: 'INVALID_REF',
  RefNotFound: 'REF_NOT_FOUND',
  GitFailed: 'GIT_FAILED',
  InvalidPath: 'INVALID_PATH',
  ToolMissing: 'TOOL_MISSING',
  RenderFailed: 'RENDER_FAILED',
  InvalidManifest: 'INVALID_MANIFEST',
  Undecryptable: 'UNDECRYPTABLE',
  PlaintextSecret: 'PLAINTEXT_SECRET',
  DuplicateObject: 'DUPLICATE_OBJECT',
  ApplyFailed: 'APPLY_FAILED',
  PruneFailed: 'PRUNE_FAILED',
  Unhealthy: 'UNHEALTHY',
  ProtectedObject: 'PROTECTED_OBJECT',
  OutsideNamespace: 'OUTSIDE_NAMESPACE',
  OwnershipConflict: 'OWNERSHIP_CONFLICT',
  /** The render child process failed, timed out or answered too much. */
  RenderProcess: 'RENDER_PROCESS',
  /** A kustomization names something outside the checkout, a remote location, a Helm chart or a plugin. */
  KustomizationRefused: 'KUSTOMIZATION_REFUSED',
  /** Objects the API server would refuse, found before the first write (scope, discovery, server-side dry run). */
  ValidationFailed: 'VALIDATION_FAILED',
  HookFailed: 'HOOK_FAILED',
  InvalidSpec: 'INVALID_SPEC',
  /** A Helm chart (or a chart dependency) could not be resolved, downloaded or verified. */
  ChartFetchFailed: 'CHART_FETCH_FAILED',
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

const REASON_OF: Record<SyncErrorCode, SyncReason> = {
  INVALID_URL: SyncReason.GitFetchFailed,
  INVALID_REF: SyncReason.GitFetchFailed,
  REF_NOT_FOUND: SyncReason.GitFetchFailed,
  GIT_FAILED: SyncReason.GitFetchFailed,
  INVALID_PATH: SyncReason.RenderFailed,
  TOOL_MISSING: SyncReason.RenderFailed,
  RENDER_FAILED: SyncReason.RenderFailed,
  INVALID_MANIFEST: SyncReason.InvalidManifest,
  UNDECRYPTABLE: SyncReason.SealedSecretUndecryptable,
  PLAINTEXT_SECRET: SyncReason.PlaintextSecretInGit,
  DUPLICATE_OBJECT: SyncReason.DuplicateObject,
  APPLY_FAILED: SyncReason.ApplyFailed,
  PRUNE_FAILED: SyncReason.PruneFailed,
  UNHEALTHY: SyncReason.HealthCheckFailed,
  PROTECTED_OBJECT: SyncReason.ProtectedObject,
  OUTSIDE_NAMESPACE: SyncReason.ObjectOutsideNamespace,
  OWNERSHIP_CONFLICT: SyncReason.OwnershipConflict,
  RENDER_PROCESS: SyncReason.RenderFailed,
  KUSTOMIZATION_REFUSED: SyncReason.RenderFailed,
  VALIDATION_FAILED: SyncReason.ValidationFailed,
  HOOK_FAILED: SyncReason.HookFailed,
  INVALID_SPEC: SyncReason.InvalidSpec,
  CHART_FETCH_FAILED: SyncReason.ChartFetchFailed,
};

/**
 * The sync layer's one error class: a code, the condition reason it maps to, and a one-line message that
 * names the repository, file or object and never holds credentials or secret bytes.
 */
export class SyncError extends CodedError<SyncErrorCode> {
  override readonly name = 'SyncError';
  readonly reason: SyncReason;
  constructor(code: SyncErrorCode, message: string, options: { readonly cause?: CodedError } = {}) {
    super(code, message, options);
    this.reason = REASON_OF[code];
  }
}
