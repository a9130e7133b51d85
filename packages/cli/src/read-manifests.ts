import { parseManifests, type ParsedManifest } from '@gitseal/manifests';
import { wrapError } from './cli-error.js';
import { readFileCapped, readInput, type Input } from './read-input.js';

export interface ManifestInput extends Input {
  readonly manifests: ParsedManifest[];
}

/** Parses text with manifests' caps (size, documents, aliases, depth); errors name the source, never its bytes. */
export function parseInput(input: Input): ManifestInput {
  try {
    return { ...input, manifests: parseManifests(input.text, { source: input.source }) };
  } catch (error) {
    throw wrapError('', error);
  }
}

/** `-f FILE` or stdin, read and parsed (YAML or JSON, multi-document, Lists expanded). */
export async function readManifests(file: string | undefined): Promise<ManifestInput> {
  return parseInput(await readInput(file));
}

/** One file, read and parsed. */
export async function readManifestFile(path: string): Promise<ManifestInput> {
  return parseInput(await readFileCapped(path));
}
