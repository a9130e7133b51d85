import { goToolCacheDir, resolveGoTool, type GoTool } from './go-tool.js';

/** The Helm release the tests render charts with; GITSEAL_HELM_VERSION overrides it. */
export function helmVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_HELM_VERSION ?? 'v4.3.2';
}

/** `helm.sh/helm/v4/cmd/helm` for v4.x.y (v3.x.y: `helm.sh/helm/v3/...`): the module path carries the major. */
export function helmPackage(version: string): string {
  return `helm.sh/helm/v${/^v(\d+)\./.exec(version)?.[1] ?? '4'}/cmd/helm`;
}

/** Stamped like a release build (unstamped, `helm version` says only the minor, e.g. v4.3). */
function helmTool(env: NodeJS.ProcessEnv): GoTool {
  const version = helmVersion(env);
  const major = helmPackage(version).split('/')[2];
  return {
    binary: 'helm',
    what: 'helm',
    version,
    packagePath: helmPackage(version),
    stamp: `-X helm.sh/helm/${major}/internal/version.version=${version}`,
    override: 'HELM_BIN',
  };
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/helm/<version>`. */
export function helmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return goToolCacheDir(helmTool(env), env);
}

/** HELM_BIN (a helm v4 binary), else the cache, else built once into it with `go install`. */
export function resolveHelmBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return resolveGoTool(helmTool(env), env);
}
