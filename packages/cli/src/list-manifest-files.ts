import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './cli-error.js';
import { describeFsError } from './read-input.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const MAX_FILES = 10_000;

/** Every .yaml/.yml/.json file under dir (skipping dot-directories such as .git), sorted for stable output. */
export async function listManifestFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      throw new CliError(`${current}: cannot read directory: ${describeFsError(error)}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) {
        await walk(path);
      } else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) {
        found.push(path);
        if (found.length > MAX_FILES) {
          throw new CliError(`${dir}: more than ${MAX_FILES} manifest files`);
        }
      }
    }
  };
  await walk(dir);
  return found;
}

/** The files a command works on: every -f FILE, then the files found under -R DIR. */
export async function resolveFileArgs(
  files: readonly string[] | undefined,
  dir: string | undefined,
): Promise<string[]> {
  const listed = [...(files ?? [])];
  if (dir !== undefined) {
    listed.push(...(await listManifestFiles(dir)));
  }
  return listed;
}
