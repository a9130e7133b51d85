import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { CommandName } from './command-names.js';
import type { CommandIo, Notice, Output, SetExitCode } from './command-io.js';
import { addCertCommand } from './commands/cert-command.js';
import { addCompletionCommand } from './commands/completion-command.js';
import { addDiffCommand } from './commands/diff-command.js';
import { addKeygenCommand } from './commands/keygen-command.js';
import { addKeysBackupCommand, addKeysCommand, addKeysRestoreCommand } from './commands/keys-command.js';
import { addReencryptCommand } from './commands/reencrypt-command.js';
import { addSealCommand } from './commands/seal-command.js';
import { addSyncCommand } from './commands/sync-command.js';
import {
  addSyncEventsCommand,
  addSyncHistoryCommand,
  addSyncRollbackCommand,
  addSyncTreeCommand,
} from './commands/sync-inspect-commands.js';
import { addSyncListCommand } from './commands/sync-list-command.js';
import { addSyncNowCommand } from './commands/sync-now-command.js';
import { addSyncStatusCommand } from './commands/sync-status-command.js';
import { addSyncSuspendCommand } from './commands/sync-suspend-command.js';
import { addUiCommand } from './commands/ui-command.js';
import { addUnsealCommand } from './commands/unseal-command.js';
import { addValidateCommand } from './commands/validate-command.js';
import { bindKubesealEnv } from './kubeseal-env.js';

export type { CommandIo, Notice, Output, SetExitCode } from './command-io.js';
export { COMMAND_NAMES, type CommandName } from './command-names.js';

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

/**
 * The gitseal program. Each subcommand defines its own flags (commands/*-command.ts). With `only`, it defines that
 * one subcommand and no other: what a run of that subcommand needs (its options, help and errors are the same), and
 * about 2 ms less start-up than defining all of them.
 */
export function createProgram(
  output: Output,
  setExitCode: SetExitCode = () => undefined,
  notice: Notice = () => undefined,
  only?: CommandName,
): Command {
  const io: CommandIo = { output, setExitCode, notice };
  const wants = (name: CommandName): boolean => only === undefined || only === name;
  const program = new Command('gitseal')
    .description('Seal Kubernetes Secrets for Git and drive gitseal GitSyncs')
    .version(packageVersion())
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(false);

  if (wants('seal')) addSealCommand(program, io);
  if (wants('unseal')) addUnsealCommand(program, io);
  if (wants('reencrypt')) addReencryptCommand(program, io);
  if (wants('validate')) addValidateCommand(program, io);
  if (wants('cert')) addCertCommand(program, io);
  if (wants('keygen')) addKeygenCommand(program, io);
  if (wants('diff')) addDiffCommand(program, io);
  if (wants('ui')) addUiCommand(program, io);
  if (wants('sync')) {
    const sync = addSyncCommand(program);
    addSyncListCommand(sync, io);
    addSyncStatusCommand(sync, io);
    addSyncNowCommand(sync, io);
    addSyncSuspendCommand(sync, io, true);
    addSyncSuspendCommand(sync, io, false);
    addSyncEventsCommand(sync, io.output);
    addSyncTreeCommand(sync, io.output);
    addSyncHistoryCommand(sync, io.output);
    addSyncRollbackCommand(sync, io.output);
  }
  if (wants('keys')) {
    const keys = addKeysCommand(program);
    addKeysBackupCommand(keys, io);
    addKeysRestoreCommand(keys, io);
  }
  // The script is made from the whole program, whichever subcommand this run defines.
  if (wants('completion')) addCompletionCommand(program, io, () => createProgram(() => undefined));
  bindKubesealEnv(program);
  return program;
}
