import { isPlainObject, type KubeObject } from '@gitseal/manifests';

/** Where a SealedSecret stands for the workloads that use its Secret. */
export type SealedSecretOpening =
  | { readonly state: 'opened' }
  | { readonly state: 'waiting'; readonly why: string }
  | { readonly state: 'failed'; readonly why: string };

/**
 * Reasons a SealedSecret controller (gitseal's; Bitnami's reports the same condition) gives for a failure it will
 * not get over by itself: the revision fails at once instead of waiting for the bound.
 */
const TERMINAL_REASONS: ReadonlySet<string> = new Set([
  'SecretNotOwned',
  'UnsealFailed',
  'InvalidSealedSecret',
  'ErrUnsealFailed',
  'ErrUpdateFailed',
]);

const MAX_MESSAGE = 200;

/** The controller's condition message on one line, bounded (its messages are coded and never hold plaintext). */
function shortMessage(message: unknown): string {
  if (typeof message !== 'string') return '';
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

/**
 * Whether a SealedSecret as read from the API server is opened at the generation gitseal just applied: its
 * `Synced` condition is True and its status (or the condition) observed `metadata.generation`. A Secret left
 * from an earlier revision does not count: workloads must start with the value of this revision. Synced=False at
 * the current generation for a reason the controller does not retry is `failed`.
 */
export function sealedSecretOpening(sealed: KubeObject | undefined): SealedSecretOpening {
  if (!sealed) return { state: 'waiting', why: 'not found' };
  const generation = sealed.metadata?.generation;
  const status = isPlainObject(sealed['status']) ? sealed['status'] : {};
  const conditions = Array.isArray(status['conditions']) ? status['conditions'] : [];
  const synced = conditions.find((c): c is Record<string, unknown> => isPlainObject(c) && c['type'] === 'Synced');
  const observed =
    typeof status['observedGeneration'] === 'number'
      ? status['observedGeneration']
      : typeof synced?.['observedGeneration'] === 'number'
        ? synced['observedGeneration']
        : undefined;
  if (!synced) return { state: 'waiting', why: 'not opened yet' };
  // A controller that reports no observed generation at all is taken at its word.
  const current = generation === undefined || observed === undefined || observed >= generation;
  if (!current) return { state: 'waiting', why: `generation ${generation} not opened yet` };
  if (synced['status'] === 'True') return { state: 'opened' };
  const reason = typeof synced['reason'] === 'string' ? synced['reason'] : 'NotSynced';
  const message = shortMessage(synced['message']);
  const why = message ? `${reason}: ${message}` : reason;
  return TERMINAL_REASONS.has(reason) ? { state: 'failed', why } : { state: 'waiting', why };
}
