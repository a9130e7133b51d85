import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUtf8Text } from '@gitseal/manifests';
import { ranOutOfMemory, runBoundedTool } from './bounded-tool.js';
import { describeHelmError } from './helm-error.js';
import type { HelmRenderSettings } from './helm-settings.js';
import { kustomizeEnv } from './kustomize.js';
import { SyncError, SyncErrorCode } from './sync-error.js';

export interface HelmTemplateOptions {
  /** The helm program; default `helm` from PATH. */
  readonly command?: string;
  readonly timeoutMs?: number;
  readonly maxOutputBytes?: number;
  /**
   * helm's address space (`prlimit --as`), default 1 GiB: a chart that renders without end (`until 20000000`) then
   * dies at once with a clear error instead of taking the controller's container over its memory limit. A
   * 10,000-object chart renders in under 100 MiB.
   */
  readonly maxAddressSpaceBytes?: number;
  /** The prlimit program; default /usr/bin/prlimit (util-linux), skipped when it is not there. */
  readonly prlimit?: string;
}

export const DEFAULT_HELM_TIMEOUT_MS = 120_000;
export const DEFAULT_HELM_ADDRESS_SPACE = 1024 * 1024 * 1024;

/**
 * `helm template` arguments: the release, the chart, and only flags gitseal sets — no `--post-renderer`, no
 * `--repo`, no `--dependency-update`, no `--validate` (which would reach for a cluster); values files are paths the
 * caller checked, and the merged valuesFrom and inline values come on stdin (`-f -`).
 */
export function helmTemplateArgs(
  chart: string,
  settings: HelmRenderSettings,
  valuesFiles: readonly string[],
): string[] {
  const args = ['template', settings.releaseName, chart, '--namespace', settings.namespace];
  if (settings.includeCRDs) args.push('--include-crds');
  if (settings.skipTests) args.push('--skip-tests');
  if (settings.kubeVersion) args.push('--kube-version', settings.kubeVersion);
  for (const apiVersion of settings.apiVersions) args.push('--api-versions', apiVersion);
  for (const file of valuesFiles) args.push('-f', file);
  if (settings.values !== undefined) args.push('-f', '-');
  return args;
}

/**
 * The environment of helm: kustomize's (no credentials, no kubeconfig, dead proxies) plus helm's own homes in a
 * private temporary folder, so no plugin, repository or registry login of the machine is ever read.
 */
export function helmEnv(home: string): Record<string, string> {
  return {
    ...kustomizeEnv(home),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_PLUGINS: join(home, 'plugins'),
    HELM_REGISTRY_CONFIG: join(home, 'registry.json'),
    HELM_REPOSITORY_CONFIG: join(home, 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(home, 'repository'),
  };
}

/**
 * Runs `helm template` on a chart folder or packaged chart, offline, bounded in time and output. A failure is one
 * line naming `shown` and helm's reason with every value string scrubbed out (`secrets`).
 */
export async function runHelmTemplate(
  chart: string,
  settings: HelmRenderSettings,
  input: { shown: string; valuesFiles: readonly string[]; secrets: Iterable<string>; options?: HelmTemplateOptions },
): Promise<string> {
  const command = input.options?.command ?? 'helm';
  const home = await mkdtemp(join(tmpdir(), 'gitseal-helm-'));
  await mkdir(join(home, 'plugins'));
  const fail = (why: string) => new SyncError(SyncErrorCode.RenderFailed, `${input.shown}: ${why}`);
  try {
    const result = await runBoundedTool({
      file: command,
      args: helmTemplateArgs(chart, settings, input.valuesFiles),
      env: helmEnv(home),
      cwd: home,
      stdin: settings.values === undefined ? '' : JSON.stringify(settings.values),
      timeoutMs: input.options?.timeoutMs ?? DEFAULT_HELM_TIMEOUT_MS,
      maxOutputBytes: input.options?.maxOutputBytes ?? 64 * 1024 * 1024,
      maxAddressSpaceBytes: input.options?.maxAddressSpaceBytes ?? DEFAULT_HELM_ADDRESS_SPACE,
      ...(input.options?.prlimit ? { prlimit: input.options.prlimit } : {}),
    });
    if (result.missing) {
      throw new SyncError(SyncErrorCode.ToolMissing, `${input.shown}: a Helm chart, but ${command} is not on PATH`);
    }
    if (result.failure !== undefined) throw fail(`helm template ${result.failure}`);
    if (result.code !== 0) {
      const why =
        result.limited && ranOutOfMemory(result.stderr)
          ? `ran out of memory (more than ${Math.round(result.limited / 1024 / 1024)} MiB of address space)`
          : describeHelmError(result.stderr, input.secrets);
      throw fail(`helm template failed: ${why}`);
    }
    try {
      return decodeUtf8Text(result.stdout, input.shown);
    } catch {
      throw fail('helm template output is not UTF-8 text');
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
