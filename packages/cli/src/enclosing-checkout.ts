import { stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';

/**
 * The Git working tree holding `dir` (the nearest ancestor with a `.git` entry) and `dir` relative to it, so that
 * a kustomize overlay may use a `../base` elsewhere in the same repository, as it may in a GitSync. Outside any
 * working tree the directory itself is the checkout.
 */
export async function enclosingCheckout(dir: string): Promise<{ checkoutDir: string; path: string }> {
  const start = resolve(dir);
  for (let current = start; ; current = dirname(current)) {
    const found = await stat(`${current}/.git`).then(
      () => true,
      () => false,
    );
    if (found) return { checkoutDir: current, path: relative(current, start) };
    if (dirname(current) === current) return { checkoutDir: start, path: '' };
  }
}
