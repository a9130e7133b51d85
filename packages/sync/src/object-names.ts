import { describeObject } from '@gitseal/kube';
import type { RenderedObject } from './render.js';
import { throwIfFailures } from './object-failures.js';

/** The longest name the API server stores for any kind (a DNS subdomain). */
export const MAX_NAME_LENGTH = 253;

/**
 * Why the API server could never store an object under this name, for any kind: too long, or not a valid path
 * segment (`.`, `..`, `/`, `%`). Kind-specific rules are left to the server-side dry run.
 */
function nameProblem(name: string): string | undefined {
  if (name.length > MAX_NAME_LENGTH)
    return `metadata.name is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  if (name === '.' || name === '..') return `metadata.name may not be "${name}"`;
  if (/[/%]/.test(name)) return 'metadata.name may not contain "/" or "%"';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'metadata.name may not contain control characters';
  return undefined;
}

/**
 * Refuses a revision holding objects whose names no API server accepts, before anything else looks at them: such a
 * name would otherwise travel into messages, inventories and status writes (a 100,000-character name once left a
 * GitSync Reconciling forever, its status write refused). Every failure is listed; names are shortened in messages.
 */
export function checkObjectNames(objects: readonly RenderedObject[]): void {
  const failures: string[] = [];
  for (const { object, source } of objects) {
    const problem = nameProblem(object.metadata?.name ?? '');
    if (problem) failures.push(`${source}: ${describeObject(object)}: ${problem}`);
  }
  throwIfFailures('have names the API server cannot store', failures);
}
