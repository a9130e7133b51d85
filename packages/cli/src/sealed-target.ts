import { scopeLabel, type Scope } from '@gitseal/crypto';
import { describeObjectInFile, scopeOf, validateSealedSecret, type SealedSecret } from '@gitseal/manifests';
import { CliError, wrapError } from './cli-error.js';

/** Where a SealedSecret's values are bound: its own namespace, name and scope annotations, never widened. */
export interface SealedTarget {
  readonly sealed: SealedSecret;
  /** "file.yaml: SealedSecret ns/name", for messages. */
  readonly where: string;
  readonly scope: Scope;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly label: string;
}

/** Checks the object is a well-formed SealedSecret (either apiVersion) and works out the label its values carry. */
export function readSealedTarget(object: unknown, source: string): SealedTarget {
  const where = describeObjectInFile(object, source);
  let sealed: SealedSecret;
  let scope: Scope;
  try {
    sealed = validateSealedSecret(object, source);
    scope = scopeOf(object, source);
  } catch (error) {
    throw wrapError('', error);
  }
  const { name, namespace } = sealed.metadata;
  let label: string;
  try {
    label = scopeLabel(scope, namespace, name);
  } catch {
    throw new CliError(`${where}: ${scope} scope needs metadata.namespace`);
  }
  return { sealed, where, scope, namespace, name, label };
}
