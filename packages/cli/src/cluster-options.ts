import type { Command } from 'commander';

/** Where the cluster commands find the API server and which namespace they use. */
export function addClusterOptions(command: Command, namespaceHelp: string): Command {
  return command
    .option('-n, --namespace <ns>', namespaceHelp)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use');
}

/** The `-n` help of the commands about one GitSync. */
export const NAMESPACE_HELP = "namespace of the GitSync (default: the kubeconfig context's namespace, else default)";
