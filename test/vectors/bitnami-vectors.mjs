// The one loader of the Bitnami-format interop vectors (bitnami-format/README.md says what they hold), for the
// packages' unit tests and the e2e tests alike. Plain JavaScript beside the data, so that a package's test (src/
// or dist/, both three folders below the repository) and test/support reach it without a build step of its own.
// GITSEAL_VECTORS_DIR points elsewhere (the shared folder the copy is refreshed from, refresh.sh).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of keys.json and vectors.json. */
export const VECTORS_DIR =
  process.env.GITSEAL_VECTORS_DIR ?? fileURLToPath(new URL('./bitnami-format/', import.meta.url));

/** keys.json: key1 and key2 (a controller's), foreign (nobody's). */
export function loadVectorKeys() {
  return JSON.parse(readFileSync(join(VECTORS_DIR, 'keys.json'), 'utf8'));
}

/** vectors.json: every case, with its expectation. */
export function loadVectorCases() {
  return JSON.parse(readFileSync(join(VECTORS_DIR, 'vectors.json'), 'utf8'));
}

/** One key of keys.json by name; throws when it is missing. */
export function vectorKey(name) {
  const key = loadVectorKeys().find((k) => k.name === name);
  if (!key) throw new Error(`${join(VECTORS_DIR, 'keys.json')}: no key ${name}`);
  return key;
}
