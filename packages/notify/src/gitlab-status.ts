import {
  baseUrl,
  type CommitState,
  type CommitStatus,
  type StatusRequest,
  type StatusTarget,
} from './commit-status.js';

/** `<base>/api/v4`. */
export function gitlabApiBase(address: string): string {
  return `${baseUrl(address)}/api/v4`;
}

/** GitLab's states: `pending`, `running`, `success`, `failed`, `canceled`, `skipped`. */
const STATE: Record<CommitState, string> = { pending: 'pending', success: 'success', failure: 'failed' };

/**
 * GitLab's commit statuses API: `POST /projects/:id/statuses/:sha`, `:id` the URL-encoded project path
 * (`group%2Fsub%2Fproject`), with `state`, `name` (the context), `target_url` and `description`; answers 201.
 */
export function gitlabStatusRequest(target: StatusTarget, status: CommitStatus): StatusRequest {
  const project = encodeURIComponent(target.repository);
  return {
    url: `${gitlabApiBase(target.address)}/projects/${project}/statuses/${status.sha}`,
    headers: { 'private-token': target.token, accept: 'application/json' },
    body: {
      state: STATE[status.state],
      name: status.context,
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      description: status.description,
    },
  };
}

/**
 * GitLab answers 400 `Cannot transition status via :run from :running …` when a status is set to the state it
 * already has (a retried request that had in fact landed, or a repeat): the status is there, so it was delivered.
 */
export function isGitlabRepeatedTransition(status: number, body: string): boolean {
  return status === 400 && body.includes('Cannot transition status via');
}
