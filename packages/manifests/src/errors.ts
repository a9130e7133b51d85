import { CodedError } from '@gitseal/crypto';

export const ManifestErrorCode = {
  TooLarge: 'TOO_LARGE',
  TooManyDocuments: 'TOO_MANY_DOCUMENTS',
  AliasLimit: 'ALIAS_LIMIT',
  TooDeep: 'TOO_DEEP',
  InvalidYaml: 'INVALID_YAML',
  InvalidJson: 'INVALID_JSON',
  NotUtf8: 'NOT_UTF8',
  NotAnObject: 'NOT_AN_OBJECT',
  InvalidObject: 'INVALID_OBJECT',
  InvalidSecret: 'INVALID_SECRET',
  InvalidSealedSecret: 'INVALID_SEALED_SECRET',
  ScopeConflict: 'SCOPE_CONFLICT',
  UnsupportedEdit: 'UNSUPPORTED_EDIT',
  EditVerificationFailed: 'EDIT_VERIFICATION_FAILED',
} as const;
export type ManifestErrorCode = (typeof ManifestErrorCode)[keyof typeof ManifestErrorCode];

/** The manifests layer's one error class: a code plus a one-line message naming the file or object, never secret bytes. */
export class ManifestError extends CodedError<ManifestErrorCode> {
  override readonly name = 'ManifestError';
}
