// kustomize decides from the start of an entry whether it fetches it: Go's url.Parse finds an http(s) scheme
// (remote files), or its git parser finds ssh://, https://, http://, file:// (after an optional go-getter
// `git::`), an scp-style user (`git@host:org/repo`) or GitHub's shorthand (`github.com/org/repo`); an OCI
// reference starts with oci://. Anything with a scheme is refused here, whatever the scheme, and so are the
// markers of a repository URL further in (`//subdir`, `?ref=`, `_git/`, `user@`), which no local path needs.
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const SCP_USER = /^[a-z][a-z0-9-]*@/i;
const GITHUB = /^github\.com[/:]/i;
const REPO_MARKERS = /:\/\/|\/\/|\?|@|(^|\/)_git\//;

// An inline entry (YAML text with a newline, or a flow mapping) that kustomize read as a path instead would
// not pass url.Parse (control characters, or no scheme before "{"), but its git parser only looks at prefixes.
const GIT_PREFIX = /^(git::)?([a-z][a-z0-9+.-]*:\/\/|[a-z][a-z0-9-]*@|github\.com[/:])/i;

/** True when kustomize could read the entry of a kustomization as a remote location, not a local path. */
export function isRemoteReference(entry: string): boolean {
  return SCHEME.test(entry) || SCP_USER.test(entry) || GITHUB.test(entry) || REPO_MARKERS.test(entry);
}

/** True when an inline entry (generator config, patch) starts like a git URL that kustomize would clone. */
export function inlineLooksRemote(text: string): boolean {
  return GIT_PREFIX.test(text.trimStart());
}
