import { spawn } from 'node:child_process';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';

/** Runs `go ARGS` in `cwd`; its stdout, or a BuildFailed error with the last lines of its stderr naming `what`. */
export function runGo(args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-8000)));
    child.once('error', (e) => reject(new ClusterError(ClusterErrorCode.BuildFailed, e.message)));
    child.once('exit', (code) => {
      if (code === 0) return resolve(out);
      const tail = err.trimEnd().split('\n').slice(-20).join('\n');
      reject(new ClusterError(ClusterErrorCode.BuildFailed, `go ${args[0]} (${what}) failed (exit ${code}):\n${tail}`));
    });
  });
}
