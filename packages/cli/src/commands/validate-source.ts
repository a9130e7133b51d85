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

/** A SealedSecret to check (or one that could not be read), or a file that could not be read. */
export type ValidateStep = SealedEntry | { readonly problem: string };

/** What `validate` has to check, in input order, with the problems found while reading in their place. */
export interface ValidatePlan {
  readonly steps: readonly ValidateStep[];
  /** SealedSecrets found, readable or not (an unreadable file counts none). */
  readonly checked: number;
}

export function planValidate(sources: readonly ValidateSource[]): ValidatePlan {
  const steps: ValidateStep[] = [];
  let checked = 0;
  for (const source of sources) {
    if ('problem' in source) {
      steps.push({ problem: source.problem });
      continue;
    }
    const entries = sealedEntries(source.input);
    checked += entries.length;
    steps.push(...entries);
  }
  return { steps, checked };
}

/** Every SealedSecret of an input, in order. */
function sealedEntries(input: ManifestInput): SealedEntry[] {
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
