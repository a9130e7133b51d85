import { CommanderError, type Command } from 'commander';
import { describeError, ExitCode, oneLine } from './cli-error.js';
import { rewriteKubesealArgv } from './kubeseal-argv.js';
import { unknownCommand } from './unknown-command.js';
import { COMMAND_NAMES, createProgram, type CommandName } from './program.js';
import { writeStd } from './std-output.js';

/** A command and all its subcommands (`sync list`, …), depth first. */
function allCommands(command: Command): Command[] {
  return command.commands.flatMap((sub) => [sub, ...allCommands(sub)]);
}

/** The subcommand a run names (`gitseal seal …`), if any: only it needs defining. */
export function invokedCommand(argv: readonly string[]): CommandName | undefined {
  const name = argv[2];
  return COMMAND_NAMES.find((command) => command === name);
}

/**
 * Runs the CLI on process.argv-shaped arguments and returns the exit code. Prints only after success: stdout, and
 * the notices on stderr; after a failure, only the error line(s) on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  let stdout = '';
  const notices: string[] = [];
  let commanderError = '';
  let exitCode: number = ExitCode.Ok;
  const unknown = unknownCommand(argv.slice(2));
  if (unknown !== undefined) {
    writeStd(2, `gitseal: ${unknown}\n`);
    return ExitCode.Usage;
  }
  const args = rewriteKubesealArgv(argv);
  const program = createProgram(
    (text) => {
      stdout += text;
    },
    (code) => {
      exitCode = code;
    },
    (line) => notices.push(`gitseal: ${oneLine(line)}\n`),
    invokedCommand(args),
  );
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => writeStd(1, text),
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
    await program.parseAsync(args);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) {
        return ExitCode.Ok; // --help, --version
      }
      if (error.code === 'commander.help') {
        writeStd(2, commanderError); // `gitseal sync` without a subcommand: its help, as is
        return ExitCode.Usage;
      }
      const text = oneLine(commanderError || error.message).replace(/^error: /, '');
      writeStd(2, `gitseal: ${text}\n`);
      return ExitCode.Usage;
    }
    const { message, exitCode, details } = describeError(error);
    writeStd(2, details.map((line) => `${oneLine(line)}\n`).join('') + `gitseal: ${oneLine(message)}\n`);
    return exitCode;
  }
  if (notices.length > 0) {
    writeStd(2, notices.join(''));
  }
  if (stdout !== '') {
    writeStd(1, stdout);
  }
  return exitCode;
}
