import { loadAll } from 'js-yaml';
import { runCommand, runCommandOk, type CommandRun } from './run-command.js';

export type KubectlRun = CommandRun;

/** A rendered object as loose JSON: only kind and metadata are typed. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Runs kubectl from the repository root with `input` on stdin; never throws for a non-zero exit. */
export function kubectl(args: readonly string[], input = ''): Promise<KubectlRun> {
  return runCommand('kubectl', args, { input });
}

/** Like {@link kubectl}, but a non-zero exit throws with kubectl's stderr; resolves with stdout. */
export function kubectlOk(args: readonly string[], input = ''): Promise<string> {
  return runCommandOk('kubectl', args, { input });
}

/** The objects of a multi-document YAML text (as kubectl or helm print them), empty documents dropped. */
export function parseRendered(text: string): RenderedObject[] {
  return (loadAll(text) as (RenderedObject | null)[]).filter((o): o is RenderedObject => o !== null);
}

/** `kubectl kustomize <dir>` (relative to the repository root), as objects. */
export async function renderKustomize(dir: string): Promise<RenderedObject[]> {
  return parseRendered(await kubectlOk(['kustomize', dir]));
}

/** kubectl input: one JSON List (kubectl reads a stream that starts with `{` as JSON, not as YAML documents). */
export function asKubectlList(objects: readonly RenderedObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}
