import { access } from 'node:fs/promises';
import { join } from 'node:path';

/** The names kustomize looks for in a directory, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** The kustomization file in `dir`, if there is one. */
export async function findKustomization(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    try {
      await access(join(dir, name));
      return name;
    } catch {
      // try the next name
    }
  }
  return undefined;
}
