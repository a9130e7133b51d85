import { baseUrl, repositoryPath, type CommitStatus, type StatusRequest, type StatusTarget } from './commit-status.js';

const PUBLIC_HOSTS = new Set(['github.com', 'www.github.com', 'api.github.com']);

/** `https://github.com` → `https://api.github.com`; any other host is GitHub Enterprise Server: `<base>/api/v3`. */
export function githubApiBase(address: string): string {
  return PUBLIC_HOSTS.has(new URL(address).hostname) ? 'https://api.github.com' : `${baseUrl(address)}/api/v3`;
}

/**
 * GitHub's "create a commit status": `POST /repos/{owner}/{repo}/statuses/{sha}` with `state` (error, failure,
 * pending, success), `target_url`, `description` and `context`; answers 201.
 */
export function githubStatusRequest(target: StatusTarget, status: CommitStatus): StatusRequest {
  return {
    url: `${githubApiBase(target.address)}/repos/${repositoryPath(target.repository)}/statuses/${status.sha}`,
    headers: {
      authorization: `Bearer ${target.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
    },
    body: {
      state: status.state,
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
      description: status.description,
      context: status.context,
    },
  };
}

/**
 * GitHub answers a rate limit with 403 (or 429) and `x-ratelimit-remaining: 0` or a `retry-after`: a wait, not a
 * refusal, so it is retried; any other 403 (no access) is permanent.
 */
export function isGithubRateLimit(status: number, headers: Headers): boolean {
  return status === 403 && (headers.get('x-ratelimit-remaining') === '0' || headers.has('retry-after'));
}
