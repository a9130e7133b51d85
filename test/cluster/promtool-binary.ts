import { goToolCacheDir, resolveGoTool, type GoTool } from './go-tool.js';

/** The Prometheus release whose promtool checks and unit-tests deploy/monitoring; GITSEAL_PROMTOOL_VERSION overrides it. */
export function promtoolVersion(env: NodeJS.ProcessEnv = process.env): string {
  return env.GITSEAL_PROMTOOL_VERSION ?? 'v0.316.0';
}

export const PROMETHEUS_MODULE = 'github.com/prometheus/prometheus';

/** The Prometheus release a Go module version stands for: v0.316.0 is Prometheus 3.16.0. */
export function prometheusRelease(moduleVersion: string): string {
  const match = /^v0\.(\d)(\d\d)\.(\d+)$/.exec(moduleVersion);
  return match ? `${match[1]}.${Number(match[2])}.${match[3]}` : moduleVersion.replace(/^v/, '');
}

/** Stamped so `promtool --version` names the release (Prometheus reads it from prometheus/common's version). */
function promtoolTool(env: NodeJS.ProcessEnv): GoTool {
  const version = promtoolVersion(env);
  return {
    binary: 'promtool',
    what: 'promtool',
    version,
    packagePath: `${PROMETHEUS_MODULE}/cmd/promtool`,
    stamp: `-X github.com/prometheus/common/version.Version=${prometheusRelease(version)}`,
    override: 'PROMTOOL_BIN',
  };
}

/** `${XDG_CACHE_HOME:-~/.cache}/gitseal/promtool/<version>`. */
export function promtoolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return goToolCacheDir(promtoolTool(env), env);
}

/** PROMTOOL_BIN, else the cache, else built once into it. */
export function resolvePromtoolBinary(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return resolveGoTool(promtoolTool(env), env);
}
