import { commitStatusOf, type CommitStatus, type StatusRequest, type StatusTarget } from './commit-status.js';
import { commitStatusProblem, type CommitStatusProviderOptions } from './commit-status-options.js';
import { giteaStatusRequest } from './gitea-status.js';
import { githubStatusRequest, isGithubRateLimit } from './github-status.js';
import { gitlabStatusRequest, isGitlabRepeatedTransition } from './gitlab-status.js';
import { postJson } from './http-post.js';
import { DEFAULT_SEND_TIMEOUT_MS } from './json-provider.js';
import type { Provider } from './provider.js';

const BUILDERS: Record<CommitStatusProviderOptions['type'], (t: StatusTarget, s: CommitStatus) => StatusRequest> = {
  github: githubStatusRequest,
  gitlab: gitlabStatusRequest,
  gitea: giteaStatusRequest,
};

/**
 * Sets Git commit statuses: SyncStarted → pending, SyncSucceeded → success, SyncFailed → failure (GitLab: failed), on
 * the commit of the event's revision, under the context `gitseal/<namespace>/<name>`. Any other notification, or a
 * revision without a commit, resolves at once without a request. Throws when `commitStatusProblem(options)` names a
 * problem (call that first to show it). The token goes only into the request's auth header.
 */
export function commitStatusProvider(options: CommitStatusProviderOptions): Provider {
  const problem = commitStatusProblem(options);
  if (problem) throw new Error(`provider ${options.name}: ${problem}`);
  const target: StatusTarget = { address: options.address, repository: options.repository, token: options.token };
  const build = BUILDERS[options.type];
  const acceptRefusal = options.type === 'gitlab' ? isGitlabRepeatedTransition : undefined;
  const retryRefusal = options.type === 'github' ? isGithubRateLimit : undefined;
  return {
    name: options.name,
    type: options.type,
    send: async (notification, signal) => {
      const status = commitStatusOf(notification);
      if (!status) return;
      const request = build(target, status);
      await postJson({
        provider: options.name,
        url: request.url,
        body: JSON.stringify(request.body),
        headers: { ...request.headers },
        timeoutMs: options.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
        ...(acceptRefusal ? { acceptRefusal } : {}),
        ...(retryRefusal ? { retryRefusal } : {}),
      });
    },
    orderKey: (notification) => {
      const status = commitStatusOf(notification);
      if (!status) return undefined;
      return { key: `${status.sha} ${status.context}`, rank: status.state === 'pending' ? 0 : 1 };
    },
  };
}
