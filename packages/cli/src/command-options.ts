import { Option, type Command } from 'commander';
import { OutputFormat, parseFormat, parseViewFormat, VIEW_FORMATS } from './options.js';

/** Names an option's values for help and shell completion; its own argParser still checks them. */
export function listing(option: Option, values: readonly string[]): Option {
  option.argChoices = [...values];
  return option;
}

/** Where the sealing certificate comes from: a file, a URL, or the running controller. */
export function addCertOptions(
  command: Command,
  insecureHttpHelp = 'allow fetching --cert over plain http://',
): Command {
  return command
    .option(
      '--cert <file|url>',
      "certificate to seal with: a PEM file or an https:// URL (default: the controller's gitseal-certs " +
        "ConfigMap, cross-checked with its /v1/cert.pem through the API server's service proxy)",
    )
    .option('--cert-fingerprint <SHA256:…>', 'refuse any certificate whose key has another fingerprint')
    .option('--insecure-http', insecureHttpHelp)
    .option('--controller-namespace <ns>', 'namespace of the gitseal controller', 'gitseal-system')
    .option('--controller-name <name>', 'service name of the gitseal controller', 'gitseal-controller')
    .option('--kubeconfig <file>', 'kubeconfig file for cluster access (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use');
}

/** For the commands that POST to the controller's API: reach it directly instead of through the API server. */
export function controllerUrlOption(): Option {
  return new Option(
    '--controller-url <url>',
    "the controller's API base URL, e.g. http://127.0.0.1:8080 after kubectl port-forward (default: the API " +
      "server's service proxy to --controller-namespace/--controller-name)",
  );
}

export const CONTROLLER_INSECURE_HTTP_HELP =
  'allow plain http:// for --cert, and for --controller-url to a non-loopback host';

/** `-o, --format yaml|json` of the commands that write manifests (kubeseal's flag). */
export function formatOption(): Option {
  return listing(
    new Option('-o, --format <format>', 'output format: yaml or json').argParser(parseFormat).default('yaml'),
    Object.values(OutputFormat),
  );
}

/** `-o, --output text|json|yaml` of the commands that report (see docs/cli-output.md for the shapes). */
export function outputOption(): Option {
  return listing(
    new Option(
      '-o, --output <format>',
      'text (default), or json or yaml for scripts (shapes: docs/cli-output.md)',
    ).argParser(parseViewFormat),
    VIEW_FORMATS,
  );
}

/** Where the cluster commands find the API server and which namespace they use. */
export function addClusterOptions(command: Command, namespaceHelp: string): Command {
  return command
    .option('-n, --namespace <ns>', namespaceHelp)
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use');
}

/** The exit codes of the file commands (seal, unseal, reencrypt, validate, cert, keygen). */
export const FILE_COMMAND_EXIT_HELP = '\nExit codes: 0 success, 1 bad input, 2 usage error, 3 remote error.';
