import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { FILE_COMMAND_EXIT_HELP, formatOption } from '../command-options.js';
import { oneOf, orElse, readOptions, text, textList } from '../option-values.js';
import { collectList, OutputFormat } from '../options.js';

const UNSEAL_FIELDS = {
  privateKey: textList,
  file: text,
  format: orElse(oneOf(Object.values(OutputFormat)), OutputFormat.Yaml),
} as const;

/** `gitseal unseal`: SealedSecrets in, Secrets out, with recovery keys. */
export function addUnsealCommand(parent: Command, io: CommandIo): Command {
  return parent
    .command('unseal')
    .description('decrypt SealedSecrets with recovery keys and print the Secrets (plaintext!)')
    .requiredOption(
      '--private-key <file>',
      'PEM private key or Secret manifest holding tls.key (repeatable)',
      collectList,
    )
    .option('-f, --file <file>', 'read SealedSecrets from this file instead of stdin')
    .addOption(formatOption())
    .addHelpText('after', FILE_COMMAND_EXIT_HELP)
    .action(async (values: OptionValues) => {
      const { runUnseal } = await import('./unseal.js');
      io.output(await runUnseal(readOptions(values, UNSEAL_FIELDS)));
    });
}
