import { Option, type Command, type OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { FILE_COMMAND_EXIT_HELP } from '../command-options.js';
import { flag, integer, readOptions, requiredText } from '../option-values.js';
import { parsePositiveInt } from '../options.js';

const KEYGEN_FIELDS = { outKey: requiredText, outCert: requiredText, bits: integer, force: flag } as const;

/** `gitseal keygen`: a new RSA key pair and a self-signed certificate. */
export function addKeygenCommand(parent: Command, io: CommandIo): Command {
  return parent
    .command('keygen')
    .description('generate an RSA sealing key pair and a self-signed certificate')
    .requiredOption('--out-key <file>', 'where to write the private key (mode 0600)')
    .requiredOption('--out-cert <file>', 'where to write the certificate')
    .addOption(new Option('--bits <n>', 'RSA key size').argParser(parsePositiveInt).default(4096))
    .option('--force', 'overwrite existing files')
    .addHelpText('after', FILE_COMMAND_EXIT_HELP)
    .action(async (values: OptionValues) => {
      const { runKeygen } = await import('./keygen.js');
      io.output(await runKeygen(readOptions(values, KEYGEN_FIELDS)));
    });
}
