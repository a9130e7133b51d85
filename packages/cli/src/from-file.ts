import { isValidSecretKey } from '@gitseal/manifests';
import { basename } from 'node:path';
import { CliError, ExitCode } from './cli-error.js';

export interface FromFile {
  /** The item key in encryptedData (bound into v2 values). */
  readonly key: string;
  readonly path: string;
}

/** `--from-file [KEY=]PATH` as kubectl reads it: the key defaults to the file's basename. */
export function parseFromFile(value: string): FromFile {
  const eq = value.indexOf('=');
  const key = eq === -1 ? basename(value) : value.slice(0, eq);
  const path = eq === -1 ? value : value.slice(eq + 1);
  if (path === '') {
    throw new CliError(`--from-file ${value}: no file path`);
  }
  if (!isValidSecretKey(key)) {
    throw new CliError(`--from-file ${value}: key "${key}" is not a valid Secret key (letters, digits, "-", "_", ".")`);
  }
  return { key, path };
}

/** Several `--from-file`: a key given twice is an error naming it (never last-wins). */
export function parseFromFiles(values: readonly string[]): FromFile[] {
  const seen = new Map<string, string>();
  return values.map((value) => {
    const fromFile = parseFromFile(value);
    const first = seen.get(fromFile.key);
    if (first !== undefined) {
      throw new CliError(
        `--from-file: key "${fromFile.key}" given twice (${first} and ${fromFile.path})`,
        ExitCode.Usage,
      );
    }
    seen.set(fromFile.key, fromFile.path);
    return fromFile;
  });
}
