/** The forges whose commit-status APIs gitseal speaks. */
export const CommitStatusForge = { GitHub: 'github', GitLab: 'gitlab', Gitea: 'gitea' } as const;
export type CommitStatusForge = (typeof CommitStatusForge)[keyof typeof CommitStatusForge];

export interface CommitStatusProviderOptions {
  /** What logs, errors and metrics call the provider (`team-a/github`): never its token. */
  readonly name: string;
  readonly type: CommitStatusForge;
  /**
   * The forge's base URL: `https://github.com` (API `https://api.github.com`), a GitHub Enterprise host
   * (`<base>/api/v3`), a GitLab (`<base>/api/v4`) or a Gitea (`<base>/api/v1`). May carry a path prefix.
   */
  readonly address: string;
  /** `owner/name`; for GitLab the project path, groups and subgroups allowed (`group/sub/project`). */
  readonly repository: string;
  /** An API token allowed to set commit statuses on the repository. */
  readonly token: string;
  readonly timeoutMs?: number;
}

/** GitLab nests groups up to 20 deep; a project path never needs more segments. */
const MAX_GITLAB_SEGMENTS = 21;
const SEGMENT = /^[A-Za-z0-9_.-]{1,100}$/;

function addressProblem(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'address: not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'address: not an http(s) URL';
  if (url.username || url.password) return 'address: must not carry credentials (put the token in the Secret)';
  if (url.search || url.hash || address.includes('?') || address.includes('#')) {
    return 'address: must not have a query or fragment';
  }
  return undefined;
}

function repositoryProblem(type: CommitStatusForge, repository: string): string | undefined {
  const segments = repository.split('/');
  if (repository.includes('..')) return 'repository: must not contain ".."';
  if (!segments.every((segment) => SEGMENT.test(segment) && segment !== '.')) {
    return 'repository: each segment is letters, digits, ".", "_" or "-"';
  }
  if (type === 'gitlab') {
    if (segments.length < 2 || segments.length > MAX_GITLAB_SEGMENTS) {
      return 'repository: a GitLab project path, group/project (subgroups allowed)';
    }
  } else if (segments.length !== 2) {
    return 'repository: must be owner/name';
  }
  return undefined;
}

/**
 * Why these options cannot work, in one line naming the field (never its value: an address may hold credentials),
 * or undefined when they can. The controller shows it as the provider's Ready condition.
 */
export function commitStatusProblem(options: CommitStatusProviderOptions): string | undefined {
  if (!options.name) return 'name: empty';
  if (!Object.values(CommitStatusForge).includes(options.type)) return 'type: must be github, gitlab or gitea';
  const address = addressProblem(String(options.address ?? ''));
  if (address) return address;
  const repository = repositoryProblem(options.type, String(options.repository ?? ''));
  if (repository) return repository;
  if (!options.token) return 'token: empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(options.token)) return 'token: must be one word without spaces or line breaks';
  return undefined;
}
