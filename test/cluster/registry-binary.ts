import { goToolCacheDir, resolveGoTool, type GoTool } from './go-tool.js';

/** The CNCF distribution registry the chart tests push to; GITSEAL_REGISTRY_VERSION overrides it. */
export function registryVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_REGISTRY_VERSION ?? 'v3.1.2';
}

export const REGISTRY_MODULE = 'github.com/distribution/distribution/v3';

/** Its go.mod has no replace lines, so a plain `go install` works; stamped so `registry --version` is the release. */
function registryTool(env: NodeJS.ProcessEnv): GoTool {
  const version = registryVersion(env);
  return {
    binary: 'registry',
    what: 'the OCI registry',
    version,
    packagePath: `${REGISTRY_MODULE}/cmd/registry`,
    stamp: `-X ${REGISTRY_MODULE}/version.version=${version}`,
    override: 'REGISTRY_BIN',
  };
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/registry/<version>`. */
export function registryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return goToolCacheDir(registryTool(env), env);
}

/** REGISTRY_BIN, else the cache, else built once into it. */
export function resolveRegistryBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return resolveGoTool(registryTool(env), env);
}
