import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addCertOptions, FILE_COMMAND_EXIT_HELP, outputOption } from '../command-options.js';
import { CERT_SOURCE_FIELDS, flag, oneOf, orElse, readOptions } from '../option-values.js';
import { VIEW_FORMATS, ViewFormat } from '../options.js';

const CERT_FIELDS = {
  ...CERT_SOURCE_FIELDS,
  fingerprint: flag,
  output: orElse(oneOf(VIEW_FORMATS), ViewFormat.Text),
} as const;

/** `gitseal cert`: the sealing certificate, its fingerprint, or (-o json|yaml) both with its validity. */
export function addCertCommand(parent: Command, io: CommandIo): Command {
  return addCertOptions(
    parent
      .command('cert')
      .description('print the sealing certificate (from --cert or the controller), or its fingerprint')
      .option('--fingerprint', 'print the SHA256:… fingerprint instead of the PEM')
      .addOption(outputOption().conflicts('fingerprint')),
  )
    .addHelpText('after', FILE_COMMAND_EXIT_HELP)
    .action(async (values: OptionValues) => {
      const { runCert } = await import('./cert.js');
      io.output(await runCert(readOptions(values, CERT_FIELDS), io.notice));
    });
}
