import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';

export interface BuildScriptOptions {
  /** Where the `gitseal cluster: …` progress lines go; default stderr. */
  readonly progress?: (line: string) => void;
  /** A `still building` line after this long without a progress line (one `go build` takes minutes); default 30 s. */
  readonly heartbeatMs?: number;
}

const PREFIX = 'gitseal cluster: ';

/**
 * Runs one of the Go build scripts (`bash SCRIPT OUT_DIR`). Its `gitseal cluster: …` progress lines are passed on
 * (a cold build takes minutes), with a `still building` line whenever the script has been quiet for a while; on
 * failure the last lines of its output are in the error.
 */
export function runBuildScript(
  script: string,
  outDir: string,
  env: NodeJS.ProcessEnv,
  isBuilt: () => boolean,
  options: BuildScriptOptions = {},
): Promise<void> {
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, outDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let lastStep = `${basename(script)} started`;
    let lastLineAt = Date.now();
    const heartbeat = setInterval(
      () => {
        if (Date.now() - lastLineAt < heartbeatMs) return;
        lastLineAt = Date.now();
        const seconds = Math.round((Date.now() - started) / 1000);
        progress(`${PREFIX}still building, ${seconds}s in (last step: ${lastStep})`);
      },
      Math.min(heartbeatMs, 5_000),
    );
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) {
        if (!line.startsWith(PREFIX)) continue;
        progress(line);
        lastStep = line.slice(PREFIX.length).replace(/ \(\d+s\)$/, '');
        lastLineAt = Date.now();
      }
      output = (output + text).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => {
      clearInterval(heartbeat);
      reject(new ClusterError(ClusterErrorCode.BuildFailed, error.message));
    });
    child.once('exit', (code) => {
      clearInterval(heartbeat);
      if (code === 0 && isBuilt()) return resolve();
      const tail = output.trimEnd().split('\n').slice(-20).join('\n');
      reject(new ClusterError(ClusterErrorCode.BuildFailed, `${basename(script)} failed (exit ${code}):\n${tail}`));
    });
  });
}
