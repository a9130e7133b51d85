import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from test/dist/support): relative paths given to commands start here. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CommandRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a command from the repository root; never throws for a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) =>
      reject(new Error(`${command} could not be started (is it installed?): ${error.message}`)),
    );
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A command that never reads its input (tar -xOf FILE) may exit before stdin is closed: that EPIPE is no
    // failure of the command, whose exit code tells the story.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link runCommand}, but a non-zero exit throws with the command's stderr; resolves with stdout. */
export async function runCommandOk(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<string> {
  const run = await runCommand(command, args, options);
  if (run.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
  return run.stdout;
}
