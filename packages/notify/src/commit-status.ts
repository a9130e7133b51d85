import type { NotifyEvent } from './event.js';
import type { Notification } from './notification.js';

/** The states gitseal sets: a revision being synced, applied, or failed. */
export const CommitState = { Pending: 'pending', Success: 'success', Failure: 'failure' } as const;
export type CommitState = (typeof CommitState)[keyof typeof CommitState];

/** What one notification means for a commit, before any forge's wording. */
export interface CommitStatus {
  readonly state: CommitState;
  /** The commit's 40-hex SHA-1. */
  readonly sha: string;
  /** `gitseal/<namespace>/<name>` of the GitSync: one status line per GitSync on the commit. */
  readonly context: string;
  /** One line of counts or a reason, never a message (it could hold data); at most 140 characters. */
  readonly description: string;
  /** The link back to gitseal, when the notifier has a link pattern. */
  readonly targetUrl?: string;
}

/** GitHub refuses a longer description; the shortest limit of the three forges. */
export const MAX_DESCRIPTION = 140;

/** The commit of a gitseal Git revision (`main@sha1:<hex>`, `sha1:<hex>`); chart revisions (`@sha256:`) have none. */
export function commitOfRevision(revision: string | undefined): string | undefined {
  return revision ? /(?:^|@)sha1:([0-9a-f]{40})$/.exec(revision)?.[1] : undefined;
}

/** `ApplyFailed`: a reason as conditions spell it, else a generic word (a reason is never free text here). */
function safeReason(reason: string): string {
  return /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(reason) ? reason : 'SyncFailed';
}

function stateOf(event: NotifyEvent): { state: CommitState; description: string } | undefined {
  switch (event.kind) {
    case 'SyncStarted':
      return { state: 'pending', description: 'Syncing' };
    case 'SyncSucceeded':
      return {
        state: 'success',
        description: `Applied: ${event.changed} changed, ${event.unchanged} unchanged, ${event.pruned} pruned`,
      };
    case 'SyncFailed':
      return { state: 'failure', description: `Failed: ${safeReason(event.reason)}` };
    default:
      return undefined;
  }
}

/**
 * The status a notification sets, or undefined when it sets none: only SyncStarted, SyncSucceeded and SyncFailed of a
 * GitSync whose revision names a commit. Pure.
 */
export function commitStatusOf(notification: Notification): CommitStatus | undefined {
  const { event } = notification;
  if (event.object.kind !== 'GitSync') return undefined;
  const sha = commitOfRevision(event.revision);
  const mapped = stateOf(event);
  if (!sha || !mapped) return undefined;
  const { namespace, name } = event.object;
  return {
    state: mapped.state,
    sha,
    context: namespace ? `gitseal/${namespace}/${name}` : `gitseal/${name}`,
    description: mapped.description.slice(0, MAX_DESCRIPTION),
    ...(notification.link ? { targetUrl: notification.link } : {}),
  };
}

/** Where a provider sets statuses: the forge's base URL, the repository and the token. */
export interface StatusTarget {
  readonly address: string;
  readonly repository: string;
  readonly token: string;
}

/** One status as a forge's API wants it: the URL to POST to, its auth headers and the JSON body. */
export interface StatusRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, string>>;
}

/** `https://git.example/prefix` without a trailing slash (the address was checked by commitStatusProblem). */
export function baseUrl(address: string): string {
  const url = new URL(address);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `owner/name` with each segment URL-encoded, for the forges whose paths take them as two segments. */
export function repositoryPath(repository: string): string {
  return repository.split('/').map(encodeURIComponent).join('/');
}
