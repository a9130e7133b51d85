import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Default cap on one repository: its fetched objects, and the checkout of one commit. */
export const DEFAULT_GIT_MAX_BYTES = 256 * 1024 * 1024;

/** Bytes of the files below `dir` (symlinks not followed). */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) total += (await lstat(full)).size;
    }
  };
  await walk(dir);
  return total;
}

/** Sum of the blob sizes in `git ls-tree -r -l` output, `-z` or not (what a checkout of that tree writes). */
export function treeBytes(lsTree: string): number {
  let total = 0;
  for (const line of lsTree.split(/[\n\0]/)) {
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>
    const match = /^\d+ blob [0-9a-f]+ +(\d+)\t/.exec(line);
    if (match?.[1] !== undefined) total += Number(match[1]);
  }
  return total;
}

/** `300.0 MiB`. */
export function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
