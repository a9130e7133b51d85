import { baseUrl, repositoryPath, type CommitStatus, type StatusRequest, type StatusTarget } from './commit-status.js';

/** `<base>/api/v1`. */
export function giteaApiBase(address: string): string {
  return `${baseUrl(address)}/api/v1`;
}

/**
 * Gitea's `POST /repos/{owner}/{repo}/statuses/{sha}` (CreateStatusOption: `state`, `target_url`, `description`,
 * `context`), token auth; answers 201. Gitea stores any `state` string, so only the documented ones are sent.
 */
export function giteaStatusRequest(target: StatusTarget, status: CommitStatus): StatusRequest {
  return {
    url: `${giteaApiBase(target.address)}/repos/${repositoryPath(target.repository)}/statuses/${status.sha}`,
    headers: { authorization: `token ${target.token}`, accept: 'application/json' },
    body: {
      state: status.state,
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      description: status.description,
      context: status.context,
    },
  };
}
