import { Option, type Command, type OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addCertOptions, FILE_COMMAND_EXIT_HELP, formatOption, listing } from '../command-options.js';
import { CERT_SOURCE_FIELDS, flag, oneOf, orElse, readOptions, text, textList } from '../option-values.js';
import {
  collect,
  OutputFormat,
  parseApiVersion,
  parseEnvelope,
  parseScopeOption,
  SealedApiVersion,
} from '../options.js';

const SEAL_FIELDS = {
  ...CERT_SOURCE_FIELDS,
  file: text,
  outputFile: text,
  format: orElse(oneOf(Object.values(OutputFormat)), OutputFormat.Yaml),
  apiVersion: orElse(oneOf(Object.values(SealedApiVersion)), SealedApiVersion.Gitseal),
  envelope: oneOf(['v1', 'v2'] as const),
  scope: oneOf(['strict', 'namespace-wide', 'cluster-wide'] as const),
  namespace: text,
  name: text,
  raw: flag,
  fromFile: textList,
  mergeInto: text,
  allowEmptyData: flag,
} as const;

/** `gitseal seal`: Secrets in, SealedSecrets out (or one raw value, or keys merged into an existing file). */
export function addSealCommand(parent: Command, io: CommandIo): Command {
  return addCertOptions(
    parent
      .command('seal')
      .description('seal Secrets (YAML or JSON, multi-document, List) from stdin or -f into SealedSecrets')
      .option('-f, --file <file>', 'read Secrets from this file instead of stdin')
      .option('-w, --output-file <file>', 'write the SealedSecrets to this file instead of stdout')
      .addOption(formatOption())
      .addOption(
        listing(
          new Option('--api-version <version>', 'gitseal.dev/v1alpha1 or bitnami.com/v1alpha1')
            .argParser(parseApiVersion)
            .default('gitseal.dev/v1alpha1'),
          Object.values(SealedApiVersion),
        ),
      )
      .addOption(
        listing(
          new Option('--envelope <v1|v2>', 'value format (default: v2 for gitseal.dev, v1 for bitnami.com)').argParser(
            parseEnvelope,
          ),
          ['v1', 'v2'],
        ),
      )
      .addOption(
        listing(
          new Option(
            '--scope <scope>',
            "strict, namespace-wide or cluster-wide (default: the Secret's annotations)",
          ).argParser(parseScopeOption),
          ['strict', 'namespace-wide', 'cluster-wide'],
        ),
      )
      .option('-n, --namespace <ns>', 'namespace for Secrets that have none (and for --raw)')
      .option('--name <name>', 'object name for --raw')
      .option('--raw', 'print one sealed value for --from-file instead of a SealedSecret')
      .option(
        '--from-file <[key=]path>',
        'with --raw: the file holding the value (key defaults to its basename; a key given twice is an error)',
        collect,
      )
      .option('--merge-into <file>', 'add or replace these keys in an existing SealedSecret file, in place')
      .option(
        '--allow-empty-data',
        'seal a Secret that has no values (as kubeseal; env: SEALED_SECRETS_ALLOW_EMPTY_DATA=true)',
      ),
  )
    .addHelpText('after', FILE_COMMAND_EXIT_HELP)
    .action(async (values: OptionValues) => {
      const { runSeal } = await import('./seal.js');
      io.output(await runSeal(readOptions(values, SEAL_FIELDS), io.notice));
    });
}
