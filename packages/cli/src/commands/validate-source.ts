import { isCodedError, unexpectedError } from '@gitseal/crypto';
import { readManifestFile, readManifests, type ManifestInput } from '../read-manifests.js';
import { readSealedTarget, type SealedTarget } from '../sealed-target.js';

/** One input of `validate`: parsed, or why it could not be read (listed with the other problems). */
export type ValidateSource =
  { readonly source: string; readonly input: ManifestInput } | { readonly source: string; readonly problem: string };

/** One SealedSecret found in an input: the object as written and where its values are bound, or why not. */
export type SealedEntry =
  | { readonly source: string; readonly object: unknown; readonly target: SealedTarget }
  | { readonly source: string; readonly object: unknown; readonly problem: string };

/** What `validate` found for one SealedSecret (or one file it could not read): `-o json|yaml`'s results. */
export interface ObjectResult {
  readonly source: string;
  /** The object's namespace and name as written (absent for a file that could not be read). */
  readonly namespace?: string;
  readonly name?: string;
  /** One line each; none when the object passed. */
  readonly problems: readonly string[];
  /** Online: the keys the controller opened it with (as it reports them). */
  readonly keys?: readonly string[];
}

export interface ValidateResult {
  /** One line per SealedSecret that passed (online only: the offline check reports a summary). */
  readonly passed: readonly string[];
  /** One line per problem: `file: SealedSecret ns/name: …`. */
  readonly problems: readonly string[];
  /** SealedSecrets looked at. */
  readonly checked: number;
  /** Per object (and per unreadable file), in input order. */
  readonly results: readonly ObjectResult[];
}

/** The namespace and name an object's metadata gives, as far as they are strings. */
export function metadataOf(object: unknown): { namespace?: string; name?: string } {
  const metadata = (object as { metadata?: { namespace?: unknown; name?: unknown } } | null)?.metadata;
  return {
    ...(typeof metadata?.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    ...(typeof metadata?.name === 'string' ? { name: metadata.name } : {}),
  };
}

/** The result of a step that could not be checked. */
export function problemResult(step: {
  readonly source: string;
  readonly problem: string;
  readonly object?: unknown;
}): ObjectResult {
  return { source: step.source, ...metadataOf(step.object), problems: [step.problem] };
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
export type ValidateStep = SealedEntry | { readonly source: string; readonly problem: string };

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
      steps.push({ source: source.source, problem: source.problem });
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
        return {
          source: input.source,
          object: manifest.object,
          target: readSealedTarget(manifest.object, input.source),
        };
      } catch (error) {
        return { source: input.source, object: manifest.object, problem: messageOf(error) };
      }
    });
}
