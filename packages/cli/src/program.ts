import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import {
  collect,
  collectList,
  parseApiVersion,
  parseEnvelope,
  parseFormat,
  parsePositiveInt,
  parsePruneLabel,
  parseScopeOption,
} from './options.js';
import { bindKubesealEnv } from './kubeseal-env.js';
import { addClusterOptions, NAMESPACE_HELP } from './cluster-options.js';
import {
  addSyncEventsCommand,
  addSyncHistoryCommand,
  addSyncRollbackCommand,
  addSyncTreeCommand,
} from './commands/sync-inspect-commands.js';

/** Receives what a command prints on stdout; printed only once the command has fully succeeded. */
export type Output = (text: string) => void;

/** Lets a successful command end with another exit code (`diff --exit-code`: 1 when there are differences). */
export type SetExitCode = (code: number) => void;

/**
 * Receives one line for stderr that is not an error (which certificate `seal` used); printed, `gitseal: `
 * first, only once the command has succeeded: a failing command still prints its error line alone.
 */
export type Notice = (line: string) => void;

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  bad input (unreadable or invalid file, not a Secret, wrong scope, a value that does not open, object not
     found, …); also diff --exit-code when there are differences (then the diff is on stdout, stderr is empty)
  2  usage error (unknown option, missing or invalid argument)
  3  remote error (controller, API server or certificate URL unreachable or failing)

Input is strict: YAML or JSON with a key given twice in one mapping, and files that are not UTF-8, are refused.
When the reader of stdout goes away (gitseal seal | head -1), the command ends quietly with its own exit code.

seal, reencrypt and cert name the certificate they used on stderr, in one line (fingerprint, source, cross-check);
stdout carries only their output. A ConfigMap certificate that the controller does not serve is refused (exit 3).

kubeseal spellings are accepted: with no subcommand, --recovery-unseal means unseal, --re-encrypt reencrypt,
--fetch-cert cert, --validate validate, and anything else seal; --recovery-private-key means --private-key,
--secret-file --file, --sealed-secret-file --output-file. kubeseal's SEALED_SECRETS_* variables set defaults for
the options kubeseal also has (each option's help names its variable); the command line wins.`;

/** The version, written into the bundle by scripts/bundle.mjs (the tsc output reads package.json instead). */
declare const GITSEAL_CLI_VERSION: string | undefined;

function packageVersion(): string {
  if (typeof GITSEAL_CLI_VERSION === 'string') return GITSEAL_CLI_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the sealing certificate comes from: a file, a URL, or the running controller. */
function addCertOptions(command: Command, insecureHttpHelp = 'allow fetching --cert over plain http://'): Command {
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
function controllerUrlOption(): Option {
  return new Option(
    '--controller-url <url>',
    "the controller's API base URL, e.g. http://127.0.0.1:8080 after kubectl port-forward (default: the API " +
      "server's service proxy to --controller-namespace/--controller-name)",
  );
}

const CONTROLLER_INSECURE_HTTP_HELP = 'allow plain http:// for --cert, and for --controller-url to a non-loopback host';

function formatOption(): Option {
  return new Option('-o, --format <format>', 'output format: yaml or json').argParser(parseFormat).default('yaml');
}

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

function addSyncCommands(program: Command, output: Output): void {
  const sync = program
    .command('sync')
    .description('list, inspect, drive and roll back GitSyncs (sync list|status|now|history|rollback|…)');
  addClusterOptions(
    sync
      .command('list')
      .description('list GitSyncs: NAMESPACE NAME READY REVISION AGE SUSPENDED')
      .addOption(new Option('-A, --all-namespaces', 'list GitSyncs in every namespace').conflicts('namespace')),
    NAMESPACE_HELP,
  ).action(async (options: Record<string, unknown>) => {
    const { runSyncList } = await import('./commands/sync-list.js');
    output(await runSyncList(options));
  });
  addClusterOptions(
    sync
      .command('status')
      .description('show the conditions, revisions, inventory size and history of a GitSync')
      .argument('<name>', 'GitSync name'),
    NAMESPACE_HELP,
  ).action(async (name: string, options: Record<string, unknown>) => {
    const { runSyncStatus } = await import('./commands/sync-status.js');
    output(await runSyncStatus(name, options));
  });
  addClusterOptions(
    sync
      .command('now')
      .description('ask the controller to sync a GitSync now (sets gitseal.dev/requested-at)')
      .argument('<name>', 'GitSync name')
      .option(
        '--wait',
        'wait until the controller handled this request (status.lastHandledRequestedAt); exit 1 if not Ready',
      )
      .option('--timeout <duration>', 'how long --wait waits, e.g. 90s, 2m', '2m'),
    NAMESPACE_HELP,
  ).action(async (name: string, options: Record<string, unknown>) => {
    const { runSyncNow } = await import('./commands/sync-request.js');
    output(await runSyncNow(name, options));
  });
  for (const [verb, suspend] of [
    ['suspend', true],
    ['resume', false],
  ] as const) {
    addClusterOptions(
      sync
        .command(verb)
        .description(`${suspend ? 'stop' : 'restart'} syncing a GitSync (sets spec.suspend to ${suspend})`)
        .argument('<name>', 'GitSync name'),
      NAMESPACE_HELP,
    ).action(async (name: string, options: Record<string, unknown>) => {
      const { runSyncSuspend } = await import('./commands/sync-request.js');
      output(await runSyncSuspend(name, options, suspend));
    });
  }
  addSyncEventsCommand(sync, output);
  addSyncTreeCommand(sync, output);
  addSyncHistoryCommand(sync, output);
  addSyncRollbackCommand(sync, output);
  for (const command of sync.commands) {
    command.addHelpText(
      'after',
      '\nExit codes: 0 success, 1 bad input or GitSync not found, 2 usage error, 3 API server unreachable or failing.',
    );
  }
}

const UI_HELP = `
Prints a URL with a one-time login token: opening it sets an HttpOnly, SameSite=Strict session cookie. The server
answers only Host 127.0.0.1:PORT or localhost:PORT, needs the session's CSRF token on every action, and never reads
Secret data (Secrets are shown by name and key names). Everything it shows and does uses your own RBAC.

Exit codes: 0 stopped by Ctrl-C/SIGTERM, 1 bad kubeconfig or the port is taken, 2 usage error.`;

const KEYS_HELP = `
backup writes every sealing key of the controller namespace (gitseal.dev/sealing-key and Bitnami's
sealedsecrets.bitnami.com/sealed-secrets-key Secrets) as ONE v1 List, mode 0600, then reads it back to check
it. The file opens every SealedSecret sealed to those keys: keep it offline, never in Git. It works as
--private-key for unseal and reencrypt, as kubeseal's --recovery-private-key, and with kubectl apply -f.
restore creates those Secrets (labels kept: active, decrypt-only, compromised) before the controller starts;
keys already present are left alone, and a Secret of the same name with other content stops it before any write.

Exit codes: 0 success, 1 bad input (no keys, unreadable backup, conflicting Secret, missing namespace),
2 usage error, 3 API server unreachable or failing.`;

function addKeysCommands(program: Command, output: Output, notice: Notice): void {
  const keys = program.command('keys').description('back up and restore the sealing keys (keys backup|restore)');
  const cluster = (command: Command): Command =>
    command
      .option('--controller-namespace <ns>', 'namespace of the gitseal controller and its keys', 'gitseal-system')
      .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context to use')
      .addHelpText('after', KEYS_HELP);
  cluster(
    keys
      .command('backup')
      .description('write every sealing key (gitseal and Bitnami) to FILE as one List, mode 0600 (opens everything!)')
      .requiredOption('-o, --output <file>', 'the backup file (replaced atomically)'),
  ).action(async (options: Record<string, unknown>) => {
    const { runKeysBackup } = await import('./commands/keys-backup.js');
    output(await runKeysBackup(options, notice));
  });
  cluster(
    keys
      .command('restore')
      .description('create the key Secrets of a backup in the controller namespace (before the controller starts)')
      .requiredOption('-f, --file <file>', 'the backup file (a List or documents of key Secrets, YAML or JSON)'),
  ).action(async (options: Record<string, unknown>) => {
    const { runKeysRestore } = await import('./commands/keys-restore.js');
    output(await runKeysRestore(options));
  });
}

import type { CommandName } from './command-names.js';

export { COMMAND_NAMES, type CommandName } from './command-names.js';

/**
 * The gitseal program. With `only`, it defines that one subcommand and no other: what a run of that subcommand
 * needs (its options, help and errors are the same), and about 2 ms less start-up than defining all of them.
 */
export function createProgram(
  output: Output,
  setExitCode: SetExitCode = () => undefined,
  notice: Notice = () => undefined,
  only?: CommandName,
): Command {
  const wants = (name: CommandName): boolean => only === undefined || only === name;
  const program = new Command('gitseal')
    .description('Seal Kubernetes Secrets for Git and drive gitseal GitSyncs')
    .version(packageVersion())
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(false);

  if (wants('seal')) {
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
        .option('--merge-into <file>', 'add or replace these keys in an existing SealedSecret file, in place')
        .option(
          '--allow-empty-data',
          'seal a Secret that has no values (as kubeseal; env: SEALED_SECRETS_ALLOW_EMPTY_DATA=true)',
        ),
    ).action(async (options: Record<string, unknown>) => {
      const { runSeal } = await import('./commands/seal.js');
      output(await runSeal(options, notice));
    });
  }

  if (wants('unseal')) {
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
  }

  if (wants('reencrypt')) {
    addCertOptions(
      program
        .command('reencrypt')
        .description(
          're-seal SealedSecrets with recovery keys to a new certificate, or through the controller to its newest key',
        )
        .option(
          '--private-key <file>',
          'PEM private key or Secret manifest holding tls.key (repeatable; or --controller)',
          collectList,
        )
        .addOption(
          new Option(
            '--controller',
            'let the running controller re-encrypt (POST /v1/rotate) instead of --private-key',
          ).conflicts(['privateKey', 'cert', 'certFingerprint', 'envelope']),
        )
        .addOption(controllerUrlOption())
        .option('-f, --file <file>', 'rewrite this file in place (repeatable)', collect)
        .option('-R, --recursive <dir>', 'rewrite every .yaml/.yml/.json file under this directory in place')
        .addOption(
          new Option('--envelope <v1|v2>', 'value format (default: keep each value’s)').argParser(parseEnvelope),
        )
        .addOption(formatOption()),
      CONTROLLER_INSECURE_HTTP_HELP,
    ).action(async (options: Record<string, unknown>) => {
      const { runReencrypt } = await import('./commands/reencrypt.js');
      output(await runReencrypt(options, notice));
    });
  }

  if (wants('validate')) {
    addCertOptions(
      program
        .command('validate')
        .description('check that SealedSecrets open: ask the controller (POST /v1/verify), or --offline against --cert')
        .option('--offline', 'check against --cert locally, without the controller and without any private key')
        .addOption(controllerUrlOption().conflicts('offline'))
        .option('-f, --file <file>', 'validate this file (repeatable; default: stdin)', collect)
        .option('-R, --recursive <dir>', 'validate every .yaml/.yml/.json file under this directory'),
      CONTROLLER_INSECURE_HTTP_HELP,
    ).action(async (options: Record<string, unknown>) => {
      const { runValidate } = await import('./commands/validate.js');
      output(await runValidate(options));
    });
  }

  if (wants('cert')) {
    addCertOptions(
      program
        .command('cert')
        .description('print the sealing certificate (from --cert or the controller), or its fingerprint')
        .option('--fingerprint', 'print the SHA256:… fingerprint instead of the PEM'),
    ).action(async (options: Record<string, unknown>) => {
      const { runCert } = await import('./commands/cert.js');
      output(await runCert(options, notice));
    });
  }

  if (wants('keygen')) {
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
  }

  for (const command of program.commands) {
    command.addHelpText('after', '\nExit codes: 0 success, 1 bad input, 2 usage error, 3 remote error.');
  }

  if (wants('diff')) {
    addClusterOptions(
      program
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
    ).action(async (options: Record<string, unknown>) => {
      const { runDiff } = await import('./commands/diff.js');
      const result = await runDiff(options);
      output(result.text);
      if (options.exitCode === true && result.differences) setExitCode(1);
    });
  }
  if (wants('ui')) {
    addClusterOptions(
      program
        .command('ui')
        .description("serve the web UI on loopback with your kubeconfig's rights (until Ctrl-C)")
        .option('--address <host:port>', 'where to listen (loopback only; port 0 picks a free one)', '127.0.0.1:0')
        .option('--open', 'open the login URL in the default browser')
        .option(
          '--controller-namespace <ns>',
          'namespace of the gitseal controller (Keys and Seal pages)',
          'gitseal-system',
        )
        .option('--controller-name <name>', 'service name of the gitseal controller', 'gitseal-controller')
        .option(
          '--key-renew-period <duration>',
          "the controller's --key-renew-period, for the Keys page's next renewal (0: renewal off)",
          '720h',
        )
        .addHelpText('after', UI_HELP),
      "namespace to show when you may not list GitSyncs in all namespaces (default: the context's, else default)",
    ).action(async (options: Record<string, unknown>) => {
      const { runUi } = await import('./commands/ui.js');
      output(await runUi(options, (text) => process.stdout.write(text)));
    });
  }
  if (wants('sync')) {
    addSyncCommands(program, output);
  }
  if (wants('keys')) {
    addKeysCommands(program, output, notice);
  }
  bindKubesealEnv(program);
  return program;
}
