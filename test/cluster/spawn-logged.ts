import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface LoggedProcess {
  readonly name: string;
  readonly binary: string;
  readonly pid: number;
  readonly logPath: string;
  /** Resolves (never rejects) with how the process ended, e.g. "exit code 1". */
  readonly exited: Promise<string>;
  hasExited(): boolean;
}

export interface SpawnLoggedOptions {
  logPath: string;
  /** Own process group, outliving this process (the CLI's `up`). */
  detached: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Starts `binary` with stdout and stderr appended to `logPath`. The child never keeps the event loop alive. */
export function spawnLogged(name: string, binary: string, args: string[], options: SpawnLoggedOptions): LoggedProcess {
  const fd = openSync(options.logPath, 'a');
  let ended: string | undefined;
  try {
    const child = spawn(binary, args, {
      stdio: ['ignore', fd, fd],
      detached: options.detached,
      ...(options.env ? { env: options.env } : {}),
    });
    const exited = new Promise<string>((resolve) => {
      child.once('error', (error) => resolve((ended = `failed to start: ${error.message}`)));
      child.once('exit', (code, signal) => resolve((ended = signal ? `killed by ${signal}` : `exit code ${code}`)));
    });
    child.unref();
    return {
      name,
      binary,
      pid: child.pid ?? -1,
      logPath: options.logPath,
      exited,
      hasExited: () => ended !== undefined,
    };
  } finally {
    closeSync(fd);
  }
}
