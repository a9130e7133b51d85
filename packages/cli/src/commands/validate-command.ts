import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import {
  addCertOptions,
  CONTROLLER_INSECURE_HTTP_HELP,
  controllerUrlOption,
  FILE_COMMAND_EXIT_HELP,
  outputOption,
} from '../command-options.js';
import { CONTROLLER_FIELDS, flag, oneOf, orElse, readOptions, text, textList } from '../option-values.js';
import { collect, VIEW_FORMATS, ViewFormat } from '../options.js';

const VALIDATE_FIELDS = {
  ...CONTROLLER_FIELDS,
  offline: flag,
  file: textList,
  recursive: text,
  output: orElse(oneOf(VIEW_FORMATS), ViewFormat.Text),
} as const;

/** `gitseal validate`: do these SealedSecrets open (online), or fit the certificate (--offline)? */
export function addValidateCommand(parent: Command, io: CommandIo): Command {
  return addCertOptions(
    parent
      .command('validate')
      .description('check that SealedSecrets open: ask the controller (POST /v1/verify), or --offline against --cert')
      .option('--offline', 'check against --cert locally, without the controller and without any private key')
      .addOption(controllerUrlOption().conflicts('offline'))
      .option('-f, --file <file>', 'validate this file (repeatable; default: stdin)', collect)
      .option('-R, --recursive <dir>', 'validate every .yaml/.yml/.json file under this directory')
      .addOption(outputOption()),
    CONTROLLER_INSECURE_HTTP_HELP,
  )
    .addHelpText('after', FILE_COMMAND_EXIT_HELP)
    .action(async (values: OptionValues) => {
      const { runValidate } = await import('./validate.js');
      const result = await runValidate(readOptions(values, VALIDATE_FIELDS));
      io.output(result.text);
      if (result.failed) {
        io.notice(result.summary);
        io.setExitCode(1);
      }
    });
}
