import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { readOptions, requiredText, text } from '../option-values.js';

const KEYS_HELP = `
backup writes every sealing key of the controller namespace (gitseal.dev/sealing-key and Bitnami's
sealedsecrets.bitnami.com/sealed-secrets-key Secrets) as ONE v1 List, mode 0600, then reads it back to check
it. The file opens every SealedSecret sealed to those keys: keep it offline, never in Git. It works as
--private-key for unseal and reencrypt, as kubeseal's --recovery-private-key, and with kubectl apply -f.
restore creates those Secrets (labels kept: active, decrypt-only, compromised) before the controller starts;
keys already present are left alone, and a Secret of the same name with other content stops it before any write.

Exit codes: 0 success, 1 bad input (no keys, unreadable backup, conflicting Secret, missing namespace),
2 usage error, 3 API server unreachable or failing.`;

const KEYS_FIELDS = { controllerNamespace: requiredText, kubeconfig: text, context: text } as const;

/** `gitseal keys`: the parent of `keys backup` and `keys restore`. */
export function addKeysCommand(parent: Command): Command {
  return parent.command('keys').description('back up and restore the sealing keys (keys backup|restore)');
}

function addKeysOptions(command: Command): Command {
  return command
    .option('--controller-namespace <ns>', 'namespace of the gitseal controller and its keys', 'gitseal-system')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .addHelpText('after', KEYS_HELP);
}

/** `gitseal keys backup -o FILE`. */
export function addKeysBackupCommand(keys: Command, io: CommandIo): Command {
  return addKeysOptions(
    keys
      .command('backup')
      .description('write every sealing key (gitseal and Bitnami) to FILE as one List, mode 0600 (opens everything!)')
      .requiredOption('-o, --output <file>', 'the backup file (replaced atomically)'),
  ).action(async (values: OptionValues) => {
    const { runKeysBackup } = await import('./keys-backup.js');
    io.output(await runKeysBackup(readOptions(values, { ...KEYS_FIELDS, output: requiredText }), io.notice));
  });
}

/** `gitseal keys restore -f FILE`. */
export function addKeysRestoreCommand(keys: Command, io: CommandIo): Command {
  return addKeysOptions(
    keys
      .command('restore')
      .description('create the key Secrets of a backup in the controller namespace (before the controller starts)')
      .requiredOption('-f, --file <file>', 'the backup file (a List or documents of key Secrets, YAML or JSON)'),
  ).action(async (values: OptionValues) => {
    const { runKeysRestore } = await import('./keys-restore.js');
    io.output(await runKeysRestore(readOptions(values, { ...KEYS_FIELDS, file: requiredText })));
  });
}
