import { Argument, type Command } from 'commander';
import type { CommandIo } from '../command-io.js';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion-script.js';
import { completionTree } from '../completion-tree.js';

const COMPLETION_HELP = `
Load it in the running shell:
  bash   source <(gitseal completion bash)
  zsh    source <(gitseal completion zsh)        (after compinit)
  fish   gitseal completion fish | source
or save it where the shell looks for completions (bash: ~/.local/share/bash-completion/completions/gitseal,
zsh: a file _gitseal in a directory of $fpath, fish: ~/.config/fish/completions/gitseal.fish). It completes
subcommands, flags, and the values of flags that list them (-o json, --scope …); elsewhere, file names.

Exit codes: 0 success, 2 usage error (unknown shell).`;

function isShell(value: string): value is CompletionShell {
  return (COMPLETION_SHELLS as readonly string[]).includes(value);
}

/**
 * `gitseal completion bash|zsh|fish`. `fullProgram` builds the whole program: this run may define only the
 * completion subcommand, while the script must cover every command.
 */
export function addCompletionCommand(parent: Command, io: CommandIo, fullProgram: () => Command): Command {
  return parent
    .command('completion')
    .description('print a shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(COMPLETION_SHELLS))
    .addHelpText('after', COMPLETION_HELP)
    .action((shell: string) => {
      if (!isShell(shell)) throw new Error(`completion: unknown shell ${shell}`); // commander checked the choices
      io.output(completionScript(shell, completionTree(fullProgram())));
    });
}
