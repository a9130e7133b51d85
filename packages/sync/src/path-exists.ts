import { access } from 'node:fs/promises';

/** Whether a path exists (any error reading it counts as no). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
