// The e2e tests' handle on the one vectors loader, test/vectors/bitnami-vectors.mjs. It is imported by URL: this
// file runs from test/dist/support, the loader stays beside its data in test/vectors (the types come from there).
import type * as Loader from '../vectors/bitnami-vectors.mjs';

const loader = (await import(new URL('../../vectors/bitnami-vectors.mjs', import.meta.url).href)) as typeof Loader;

export const { loadVectorCases, loadVectorKeys, vectorKey, VECTORS_DIR } = loader;
export type { VectorCase, VectorKey } from '../vectors/bitnami-vectors.mjs';
