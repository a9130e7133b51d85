import { CommanderError, type Command } from 'commander';
import { CliError, ExitCode, oneLine } from './cli-error.js';
import { rewriteKubesealArgv } from './kubeseal-argv.js';
import { createProgram } from './program.js';

/** What reaches stderr for an error: one line, prefixed, never an exception's stack or a request body. */
function describeError(error: unknown): { message: string; exitCode: number; details: readonly string[] } {
  if (error instanceof CliError) {
    return { message: error.message, exitCode: error.exitCode, details: error.details };
  }
  if (error instanceof Error) {
    // Package errors (crypto, manifests, kube) carry one-line messages without secret bytes.
    return { message: error.message, exitCode: ExitCode.User, details: [] };
  }
  return { message: 'unexpected error', exitCode: ExitCode.User, details: [] };
}

/** A command and all its subcommands (`sync list`, …), depth first. */
function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** Runs the CLI on process.argv-shaped arguments and returns the exit code. Prints only after success. */
export async function main(argv: string[]): Promise<number> {
  let stdout = '';
  let commanderError = '';
  let exitCode: number = ExitCode.Ok;
  const program = createProgram(
    (text) => {
      stdout += text;
    },
    (code) => {
      exitCode = code;
    },
  );
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => {
      commanderError += text;
    },
    outputError: (text, write) => write(text),
  });
  for (const command of allCommands(program)) {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
  }
  try {
    await program.parseAsync(rewriteKubesealArgv(argv));
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) {
        return ExitCode.Ok; // --help, --version
      }
      if (error.code === 'commander.help') {
        process.stderr.write(commanderError); // `gitseal sync` without a subcommand: its help, as is
        return ExitCode.Usage;
      }
      const text = oneLine(commanderError || error.message).replace(/^error: /, '');
      process.stderr.write(`gitseal: ${text}\n`);
      return ExitCode.Usage;
    }
    const { message, exitCode, details } = describeError(error);
    process.stderr.write(details.map((line) => `${oneLine(line)}\n`).join('') + `gitseal: ${oneLine(message)}\n`);
    return exitCode;
  }
  if (stdout !== '') {
    process.stdout.write(stdout);
  }
  return exitCode;
}
