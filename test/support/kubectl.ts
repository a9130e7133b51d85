import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';

/** The repository root (this file runs from test/dist/support): relative paths given to kubectl start here. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface KubectlRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A rendered object as loose JSON: only kind and metadata are typed. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Runs kubectl from the repository root with `input` on stdin; never throws for a non-zero exit. */
export function kubectl(args: readonly string[], input = ''): Promise<KubectlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) =>
      reject(new Error(`kubectl could not be started (is it installed?): ${error.message}`)),
    );
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Like {@link kubectl}, but a non-zero exit throws with kubectl's stderr; resolves with stdout. */
export async function kubectlOk(args: readonly string[], input = ''): Promise<string> {
  const run = await kubectl(args, input);
  if (run.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
  return run.stdout;
}

/** `kubectl kustomize <dir>` (relative to the repository root), as objects. */
export async function renderKustomize(dir: string): Promise<RenderedObject[]> {
  const text = await kubectlOk(['kustomize', dir]);
  return (loadAll(text) as (RenderedObject | null)[]).filter((o): o is RenderedObject => o !== null);
}

/** kubectl input: one JSON List (kubectl reads a stream that starts with `{` as JSON, not as YAML documents). */
export function asKubectlList(objects: readonly RenderedObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}
