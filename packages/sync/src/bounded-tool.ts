import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** How a render tool (helm, kustomize) is run: a clean environment and bounds on time, output and memory. */
export interface BoundedToolRun {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly stdin?: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  /** The tool's address space (`prlimit --as`); 0: none. Skipped when prlimit is not there. */
  readonly maxAddressSpaceBytes: number;
  /** Default /usr/bin/prlimit (util-linux). */
  readonly prlimit?: string;
}

/** What came of it: the tool missing, a bound hit (`failure`), or its exit code, stdout and stderr (64 KiB). */
export interface BoundedToolResult {
  readonly missing?: true;
  readonly failure?: string;
  readonly code?: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** The address-space limit applied, if any (bytes). */
  readonly limited?: number;
}

const MAX_STDERR = 64 * 1024;

/** True when a Go program's stderr says it died of its address-space limit. */
export function ranOutOfMemory(stderr: string): boolean {
  return /fatal error: (out of memory|failed to reserve)/.test(stderr);
}

/**
 * Runs a tool with its arguments never passed through a shell, killed after `timeoutMs` or once it writes more than
 * `maxOutputBytes`, within `maxAddressSpaceBytes` of address space (prlimit, when present: a Go tool that would
 * grow past it dies at once with "fatal error: out of memory" instead of taking the container over its limit).
 */
export function runBoundedTool(run: BoundedToolRun): Promise<BoundedToolResult> {
  const prlimit = run.prlimit ?? '/usr/bin/prlimit';
  const limited = run.maxAddressSpaceBytes > 0 && existsSync(prlimit) ? run.maxAddressSpaceBytes : undefined;
  const [file, argv] = limited
    ? [prlimit, [`--as=${limited}`, '--', run.file, ...run.args]]
    : [run.file, [...run.args]];
  return new Promise((resolve) => {
    const child = spawn(file, argv, { env: run.env, cwd: run.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    let failure: string | undefined;
    const timer = setTimeout(() => {
      failure ??= `timed out after ${Math.round(run.timeoutMs / 1000)}s`;
      child.kill('SIGKILL');
    }, run.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > run.maxOutputBytes) {
        failure ??= `output larger than ${run.maxOutputBytes} bytes`;
        child.kill('SIGKILL');
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(
        error.code === 'ENOENT'
          ? { missing: true, stdout: Buffer.alloc(0), stderr: '' }
          : { failure: `could not start ${run.file}`, stdout: Buffer.alloc(0), stderr: '' },
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // prlimit reports a tool it cannot find on stderr rather than with ENOENT.
      if (limited && code !== 0 && /failed to execute .*No such file or directory/.test(stderr)) {
        return resolve({ missing: true, stdout: Buffer.alloc(0), stderr: '' });
      }
      resolve({
        ...(failure !== undefined ? { failure } : {}),
        code,
        stdout: Buffer.concat(out),
        stderr,
        ...(limited ? { limited } : {}),
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(run.stdin ?? '');
  });
}
