import { isCodedError, unexpectedError } from '@gitseal/crypto';
import { readManifestFile, readManifests, type ManifestInput } from '../read-manifests.js';
import { readSealedTarget, type SealedTarget } from '../sealed-target.js';

/** One input of `validate`: parsed, or why it could not be read (listed with the other problems). */
export type ValidateSource =
  { readonly source: string; readonly input: ManifestInput } | { readonly source: string; readonly problem: string };

/** One SealedSecret found in an input: the object as written and where its values are bound, or why not. */
export type SealedEntry =
  { readonly object: unknown; readonly target: SealedTarget } | { readonly object: unknown; readonly problem: string };

export interface ValidateResult {
  /** One line per SealedSecret that passed (online only: the offline check reports a summary). */
  readonly passed: readonly string[];
  /** One line per problem: `file: SealedSecret ns/name: …`. */
  readonly problems: readonly string[];
  /** SealedSecrets looked at. */
  readonly checked: number;
}

export function messageOf(error: unknown): string {
  return isCodedError(error) ? error.message : unexpectedError(error);
}

/** The files, each read and parsed (an unreadable one becomes a problem); with no files, stdin (errors throw). */
export async function readValidateSources(files: readonly string[]): Promise<ValidateSource[]> {
  if (files.length === 0) {
    return [{ source: 'stdin', input: await readManifests(undefined) }];
  }
  const sources: ValidateSource[] = [];
  for (const file of files) {
    try {
      sources.push({ source: file, input: await readManifestFile(file) });
    } catch (error) {
      sources.push({ source: file, problem: messageOf(error) });
    }
  }
  return sources;
}

/** Every SealedSecret of an input, in order. */
export function sealedEntries(input: ManifestInput): SealedEntry[] {
  return input.manifests
    .filter((manifest) => manifest.object.kind === 'SealedSecret')
    .map((manifest) => {
      try {
        return { object: manifest.object, target: readSealedTarget(manifest.object, input.source) };
      } catch (error) {
        return { object: manifest.object, problem: messageOf(error) };
      }
    });
}
