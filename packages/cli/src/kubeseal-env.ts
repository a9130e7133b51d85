import type { Command, Option } from 'commander';

/** kubeseal reads a default for each of its flags from `SEALED_SECRETS_<FLAG>` (dashes as underscores). */
export const KUBESEAL_ENV_PREFIX = 'SEALED_SECRETS_';

/** Per command: gitseal's option (long name) → kubeseal's flag name, for the flags kubeseal also has. */
const KUBESEAL_FLAGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  seal: {
    cert: 'cert',
    'controller-namespace': 'controller-namespace',
    'controller-name': 'controller-name',
    kubeconfig: 'kubeconfig',
    context: 'context',
    format: 'format',
    scope: 'scope',
    namespace: 'namespace',
    name: 'name',
    'merge-into': 'merge-into',
    file: 'secret-file',
    'output-file': 'sealed-secret-file',
  },
  validate: {
    cert: 'cert',
    'controller-namespace': 'controller-namespace',
    'controller-name': 'controller-name',
    kubeconfig: 'kubeconfig',
    context: 'context',
    file: 'secret-file',
  },
  reencrypt: {
    'controller-namespace': 'controller-namespace',
    'controller-name': 'controller-name',
    kubeconfig: 'kubeconfig',
    context: 'context',
    format: 'format',
  },
  cert: {
    cert: 'cert',
    'controller-namespace': 'controller-namespace',
    'controller-name': 'controller-name',
    kubeconfig: 'kubeconfig',
    context: 'context',
  },
  unseal: { format: 'format', file: 'secret-file' },
};

export function kubesealEnvName(flag: string): string {
  return KUBESEAL_ENV_PREFIX + flag.toUpperCase().replace(/-/g, '_');
}

/**
 * Lets the kubeseal-compatible value options take their defaults from kubeseal's environment variables
 * (`SEALED_SECRETS_CONTROLLER_NAMESPACE`, `SEALED_SECRETS_CERT`, …): the command line wins, then the variable,
 * then gitseal's default.
 */
export function bindKubesealEnv(program: Command): void {
  for (const command of program.commands) {
    const flags = KUBESEAL_FLAGS[command.name()];
    if (!flags) continue;
    for (const option of command.options) {
      const long = option.long?.replace(/^--/, '');
      const flag = long === undefined ? undefined : flags[long];
      // Boolean flags are read where they are used (kubeseal's "false" must stay false): see kubesealEnvFlag.
      if (flag !== undefined && (option.required || option.optional)) bindEnv(command, option, kubesealEnvName(flag));
    }
  }
}

/**
 * Option.env() after the option was added: commander only listens for an option's environment variable when it
 * was set before addOption, so the listener is added here, parsing the value as the command line would.
 */
function bindEnv(command: Command, option: Option, name: string): void {
  option.env(name);
  command.on(`optionEnv:${option.name()}`, (value: string) => {
    const key = option.attributeName();
    let parsed: unknown = value;
    if (option.parseArg) {
      try {
        parsed = option.parseArg(value, command.getOptionValue(key));
      } catch (error) {
        const why = error instanceof Error ? error.message : 'invalid';
        command.error(`option '${option.flags}' value from env '${name}' is invalid. ${why}`, {
          code: 'commander.invalidArgument',
        });
      }
    }
    command.setOptionValueWithSource(key, parsed, 'env');
  });
}

/** A boolean kubeseal flag from the environment, parsed as Go's strconv.ParseBool (anything else: false). */
export function kubesealEnvFlag(flag: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(env[kubesealEnvName(flag)] ?? '');
}
