import type { Command, OptionValues } from 'commander';
import type { CommandIo } from '../command-io.js';
import { addClusterOptions } from '../command-options.js';
import { CLUSTER_FIELDS, flag, readOptions, requiredText } from '../option-values.js';
import { stdStream } from '../std-output.js';

const UI_HELP = `
Prints a URL with a one-time login token: opening it sets an HttpOnly, SameSite=Strict session cookie. The server
answers only Host 127.0.0.1:PORT or localhost:PORT, needs the session's CSRF token on every action, and never reads
Secret data (Secrets are shown by name and key names). Everything it shows and does uses your own RBAC.

Exit codes: 0 stopped by Ctrl-C/SIGTERM, 1 bad kubeconfig or the port is taken, 2 usage error.`;

const UI_FIELDS = {
  ...CLUSTER_FIELDS,
  address: requiredText,
  open: flag,
  controllerNamespace: requiredText,
  controllerName: requiredText,
  keyRenewPeriod: requiredText,
} as const;

/** `gitseal ui`: the web UI on loopback, with the kubeconfig's rights, until Ctrl-C. */
export function addUiCommand(parent: Command, io: CommandIo): Command {
  return addClusterOptions(
    parent
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
  ).action(async (values: OptionValues) => {
    const { runUi } = await import('./ui.js');
    io.output(await runUi(readOptions(values, UI_FIELDS), (text) => stdStream(1).write(text)));
  });
}
