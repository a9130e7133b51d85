import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import {
  collect,
  collectList,
  parseApiVersion,
  parseEnvelope,
  parseFormat,
  parsePositiveInt,
  parseScopeOption,
} from './options.js';

/** Receives what a command prints on stdout; printed only once the command has fully succeeded. */
export type Output = (text: string) => void;

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  bad input (unreadable or invalid file, not a Secret, wrong scope, a value that does not open, …)
  2  usage error (unknown option, missing or invalid argument)
  3  remote error (controller, API server or certificate URL unreachable or failing)

kubeseal spellings are accepted: with no subcommand, --recovery-unseal means unseal, --re-encrypt reencrypt,
--fetch-cert cert, --validate validate, and anything else seal; --recovery-private-key means --private-key.`;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the sealing certificate comes from: a file, a URL, or the running controller. */
function addCertOptions(command: Command): Command {
  return command
    .option(
      '--cert <file|url>',
      'certificate to seal with: a PEM file or an https:// URL (default: from the controller)',
    )
    .option('--cert-fingerprint <SHA256:…>', 'refuse any certificate whose key has another fingerprint')
    .option('--insecure-http', 'allow fetching --cert over plain http://')
    .option('--controller-namespace <ns>', 'namespace of the gitseal controller', 'gitseal-system')
    .option('--controller-name <name>', 'service name of the gitseal controller', 'gitseal-controller')
    .option('--kubeconfig <file>', 'kubeconfig file for cluster access (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use');
}

function formatOption(): Option {
  return new Option('-o, --format <format>', 'output format: yaml or json').argParser(parseFormat).default('yaml');
}

export function createProgram(output: Output): Command {
  const program = new Command('gitseal')
    .description('Seal Kubernetes Secrets for Git and drive gitseal GitSyncs')
    .version(packageVersion())
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(false);

  addCertOptions(
    program
      .command('seal')
      .description('seal Secrets (YAML or JSON, multi-document, List) from stdin or -f into SealedSecrets')
      .option('-f, --file <file>', 'read Secrets from this file instead of stdin')
      .option('-w, --output-file <file>', 'write the SealedSecrets to this file instead of stdout')
      .addOption(formatOption())
      .addOption(
        new Option('--api-version <version>', 'gitseal.dev/v1alpha1 or bitnami.com/v1alpha1')
          .argParser(parseApiVersion)
          .default('gitseal.dev/v1alpha1'),
      )
      .addOption(
        new Option('--envelope <v1|v2>', 'value format (default: v2 for gitseal.dev, v1 for bitnami.com)').argParser(
          parseEnvelope,
        ),
      )
      .addOption(
        new Option(
          '--scope <scope>',
          "strict, namespace-wide or cluster-wide (default: the Secret's annotations)",
        ).argParser(parseScopeOption),
      )
      .option('-n, --namespace <ns>', 'namespace for Secrets that have none (and for --raw)')
      .option('--name <name>', 'object name for --raw')
      .option('--raw', 'print one sealed value for --from-file instead of a SealedSecret')
      .option('--from-file <[key=]path>', 'with --raw: the file holding the value (key defaults to its basename)')
      .option('--merge-into <file>', 'add or replace these keys in an existing SealedSecret file, in place'),
  ).action(async (options: Record<string, unknown>) => {
    const { runSeal } = await import('./commands/seal.js');
    output(await runSeal(options));
  });

  program
    .command('unseal')
    .description('decrypt SealedSecrets with recovery keys and print the Secrets (plaintext!)')
    .requiredOption(
      '--private-key <file>',
      'PEM private key or Secret manifest holding tls.key (repeatable)',
      collectList,
    )
    .option('-f, --file <file>', 'read SealedSecrets from this file instead of stdin')
    .addOption(formatOption())
    .action(async (options: Record<string, unknown>) => {
      const { runUnseal } = await import('./commands/unseal.js');
      output(await runUnseal(options));
    });

  addCertOptions(
    program
      .command('reencrypt')
      .description('re-seal SealedSecrets to a new certificate without printing plaintext')
      .requiredOption(
        '--private-key <file>',
        'PEM private key or Secret manifest holding tls.key (repeatable)',
        collectList,
      )
      .option('-f, --file <file>', 'rewrite this file in place (repeatable)', collect)
      .option('-R, --recursive <dir>', 'rewrite every .yaml/.yml/.json file under this directory in place')
      .addOption(new Option('--envelope <v1|v2>', 'value format (default: keep each value’s)').argParser(parseEnvelope))
      .addOption(formatOption()),
  ).action(async (options: Record<string, unknown>) => {
    const { runReencrypt } = await import('./commands/reencrypt.js');
    output(await runReencrypt(options));
  });

  addCertOptions(
    program
      .command('validate')
      .description('check SealedSecrets against a certificate without any private key')
      .option('--offline', 'validate against --cert locally (required; online validation is not available yet)')
      .option('-f, --file <file>', 'validate this file (repeatable)', collect)
      .option('-R, --recursive <dir>', 'validate every .yaml/.yml/.json file under this directory'),
  ).action(async (options: Record<string, unknown>) => {
    const { runValidate } = await import('./commands/validate.js');
    output(await runValidate(options));
  });

  addCertOptions(
    program
      .command('cert')
      .description('print the sealing certificate (from --cert or the controller), or its fingerprint')
      .option('--fingerprint', 'print the SHA256:… fingerprint instead of the PEM'),
  ).action(async (options: Record<string, unknown>) => {
    const { runCert } = await import('./commands/cert.js');
    output(await runCert(options));
  });

  program
    .command('keygen')
    .description('generate an RSA sealing key pair and a self-signed certificate')
    .requiredOption('--out-key <file>', 'where to write the private key (mode 0600)')
    .requiredOption('--out-cert <file>', 'where to write the certificate')
    .addOption(new Option('--bits <n>', 'RSA key size').argParser(parsePositiveInt).default(4096))
    .option('--force', 'overwrite existing files')
    .action(async (options: Record<string, unknown>) => {
      const { runKeygen } = await import('./commands/keygen.js');
      output(await runKeygen(options));
    });

  for (const command of program.commands) {
    command.addHelpText('after', '\nExit codes: 0 success, 1 bad input, 2 usage error, 3 remote error.');
  }
  return program;
}
