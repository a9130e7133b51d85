import { Option, type Command, type OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import {
  addCertOptions,
  CONTROLLER_INSECURE_HTTP_HELP,
  controllerUrlOption,
  FILE_COMMAND_EXIT_HELP,
  formatOption,
  listing,
} from '../command-options.js';
import { CONTROLLER_FIELDS, flag, oneOf, readOptions, text, textList } from '../option-values.js';
import { collect, collectList, parseEnvelope } from '../options.js';

const REENCRYPT_FIELDS = {
  ...CONTROLLER_FIELDS,
  privateKey: textList,
  controller: flag,
  file: textList,
  recursive: text,
  envelope: oneOf(['v1', 'v2'] as const),
} as const;

/** `gitseal reencrypt`: re-seal to a new certificate with recovery keys, or through the controller. */
export function addReencryptCommand(parent: Command, io: CommandIo): Command {
  return addCertOptions(
    parent
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
        listing(
          new Option('--envelope <v1|v2>', 'value format (default: keep each value’s)').argParser(parseEnvelope),
          ['v1', 'v2'],
        ),
      )
      .addOption(formatOption()),
    CONTROLLER_INSECURE_HTTP_HELP,
  )
    .addHelpText('after', FILE_COMMAND_EXIT_HELP)
    .action(async (values: OptionValues) => {
      const { runReencrypt } = await import('./reencrypt.js');
      io.output(await runReencrypt(readOptions(values, REENCRYPT_FIELDS), io.notice));
    });
}
