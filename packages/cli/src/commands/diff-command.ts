import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addClusterOptions } from '../command-options.js';
import { CLUSTER_FIELDS, flag, readOptions, requiredText, shaped } from '../option-values.js';
import { parsePruneLabel, type PruneLabel } from '../options.js';

const DIFF_HELP = `
Renders DIR as the sync engine does (plain files, kustomize when DIR holds a kustomization, helm template when it
holds Chart.yaml: with the --prune-label GitSync's spec.helm, else Helm's defaults and DIR's name as the release
name; .Capabilities from the cluster; helm from PATH) and compares each object with the cluster through a server-side-apply dry run (field manager gitseal), ignoring status and
server-owned metadata. Each object is sent exactly as the engine applies it: with the gitseal.dev/sync label (of
the --prune-label GitSync, else the one the live object carries) and the gitseal.dev/applied-digest annotation, so
right after a sync every object is unchanged and --exit-code exits 0. Each object is printed as:
  + created    ~ changed (with a field diff)    = unchanged    - pruned (only with --prune-label)
Secrets and SealedSecrets are compared per key and their values are never printed: a Secret key is added,
removed, changed or unchanged (SHA-256 of the decoded values); a SealedSecret key is added, removed, resealed
(ciphertext differs: sealing is randomised, so the plaintext is not compared) or unchanged (identical ciphertext).

Exit codes: 0 success, differences or not (like git diff); with --exit-code 1 when there are differences.
Errors: 1 bad input (unreadable folder, invalid manifest, duplicate object, object the API server rejects),
2 usage error, 3 API server unreachable or failing. An error prints one line on stderr and nothing on stdout.`;

function isPruneLabel(value: unknown): value is PruneLabel {
  const label = value as Partial<PruneLabel> | null;
  return (
    typeof label === 'object' && label !== null && typeof label.namespace === 'string' && typeof label.name === 'string'
  );
}

const DIFF_FIELDS = {
  ...CLUSTER_FIELDS,
  path: requiredText,
  pruneLabel: shaped(isPruneLabel, '<namespace>.<name>'),
  exitCode: flag,
} as const;

/** `gitseal diff --path DIR`: what syncing DIR would change in the cluster. */
export function addDiffCommand(parent: Command, io: CommandIo): Command {
  return addClusterOptions(
    parent
      .command('diff')
      .description('show what syncing a local folder would change in the cluster (secret values never shown)')
      .requiredOption('--path <dir>', 'folder to render (as a GitSync path)')
      .option(
        '--prune-label <namespace>.<name>',
        'the GitSync the folder belongs to: label objects as it does, put objects that name no namespace into its ' +
          'namespace (unless -n), and show its live objects the folder lacks as pruned',
        parsePruneLabel,
      )
      .option('--exit-code', 'exit 1 when there are differences')
      .addHelpText('after', DIFF_HELP),
    "namespace for objects that name none (default: the --prune-label GitSync's, else the kubeconfig context's " +
      'namespace, else default)',
  ).action(async (values: OptionValues) => {
    const { runDiff } = await import('./diff.js');
    const options = readOptions(values, DIFF_FIELDS);
    const result = await runDiff(options);
    io.output(result.text);
    if (options.exitCode && result.differences) io.setExitCode(1);
  });
}
