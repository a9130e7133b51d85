import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';

/**
 * Runs one of the Go build scripts (`bash SCRIPT OUT_DIR`). Its `gitseal cluster: …` progress lines go straight to
 * stderr (a cold build takes minutes); on failure the last lines of its output are in the error.
 */
export function runBuildScript(
  script: string,
  outDir: string,
  env: NodeJS.ProcessEnv,
  isBuilt: () => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, outDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) if (line.startsWith('gitseal cluster: ')) process.stderr.write(`${line}\n`);
      output = (output + text).slice(-8000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new ClusterError(ClusterErrorCode.BuildFailed, error.message)));
    child.once('exit', (code) => {
      if (code === 0 && isBuilt()) return resolve();
      const tail = output.trimEnd().split('\n').slice(-20).join('\n');
      reject(new ClusterError(ClusterErrorCode.BuildFailed, `${basename(script)} failed (exit ${code}):\n${tail}`));
    });
  });
}
