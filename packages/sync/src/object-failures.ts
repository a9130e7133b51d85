import { SyncError, SyncErrorCode } from './sync-error.js';

/** How many failing objects a message lists before "and N more". */
export const MAX_LISTED_FAILURES = 20;

/** `have names …` → `has names …` for one object. */
function singular(what: string): string {
  return what.startsWith('have ') ? `has ${what.slice(5)}` : what;
}

/** One line listing every failure (up to the cap), e.g. `3 objects would be refused: a; b; c`. */
export function listFailures(what: string, failures: readonly string[], cap = MAX_LISTED_FAILURES): string {
  const shown = failures.slice(0, cap).join('; ');
  const more = failures.length > cap ? `; and ${failures.length - cap} more` : '';
  const count = failures.length === 1 ? `1 object ${singular(what)}` : `${failures.length} objects ${what}`;
  return `${count}: ${shown}${more}`;
}

/** A ValidationFailed SyncError for the failures, or nothing when there are none. */
export function throwIfFailures(what: string, failures: readonly string[]): void {
  if (failures.length === 0) return;
  throw new SyncError(SyncErrorCode.ValidationFailed, listFailures(what, failures));
}
