// Runs `gitseal` on a real pseudo-terminal (util-linux `script`), for what the CLI does only on a terminal: progress
// lines, MESSAGE cut to the width. stdin, stdout and stderr are all the terminal; `script` copies it to its stdout.
import { spawn } from 'node:child_process';
import { BIN, REPO_ROOT } from './cli-harness.js';

export interface TerminalResult {
  readonly code: number | null;
  /** Everything the terminal showed (stdout and stderr interleaved, `\r\n` line ends, control sequences kept). */
  readonly screen: string;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `gitseal ...args` on a terminal `columns` wide; `redirect` is appended to the command line (e.g. `2>err.txt`). */
export function runCliInTerminal(
  args: readonly string[],
  options: { env?: Record<string, string>; columns?: number; redirect?: string; cwd?: string } = {},
): Promise<TerminalResult> {
  const command = [`stty cols ${options.columns ?? 120} 2>/dev/null;`, 'exec', process.execPath, BIN, ...args]
    .map((word, i) => (i < 2 ? word : shellQuote(word)))
    .join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${command} ${options.redirect ?? ''}`, '/dev/null'], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, TERM: 'xterm', KUBECONFIG: '/nonexistent/kubeconfig', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen: Buffer.concat(out).toString('utf8') }));
  });
}
