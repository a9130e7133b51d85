import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';
import { isProcessAlive } from './process-liveness.js';

export interface BuildOnceOptions {
  /** The lock folder (`<cache>.lock`). */
  readonly lock: string;
  /** True once the build's result is in place (another process may have built it meanwhile). */
  readonly isBuilt: () => boolean;
  readonly build: () => Promise<void>;
  readonly what: string;
  readonly timeoutMs: number;
  readonly staleLockMs: number;
  readonly pollMs: number;
  /** Where the `waiting for another build` lines go; default stderr. */
  readonly progress?: (line: string) => void;
}

/** How often a process waiting for another one's build says it is still waiting. */
const WAITING_LINE_MS = 60_000;

/** Runs `build` in exactly one of the processes that need it; the others wait for its result. */
export async function buildOnce(options: BuildOnceOptions): Promise<void> {
  const { lock, isBuilt, build, what } = options;
  const deadline = Date.now() + options.timeoutMs;
  mkdirSync(dirname(lock), { recursive: true });
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const waitStarted = Date.now();
  let saidAt = 0;
  while (!tryLock(lock, options.staleLockMs)) {
    if (isBuilt()) return;
    if (Date.now() - saidAt >= WAITING_LINE_MS) {
      const seconds = Math.round((Date.now() - waitStarted) / 1000);
      progress(`gitseal cluster: waiting for another process's ${what} build, ${seconds}s so far (lock ${lock})`);
      saidAt = Date.now();
    }
    if (Date.now() > deadline) {
      throw new ClusterError(
        ClusterErrorCode.BuildFailed,
        `timed out waiting for another ${what} build (lock ${lock})`,
      );
    }
    await sleep(options.pollMs);
  }
  try {
    if (!isBuilt()) await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** mkdir is atomic: whoever creates the lock folder builds. A lock whose owner died or that is too old is broken. */
function tryLock(lock: string, staleLockMs: number): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (isStale(lock, staleLockMs)) rmSync(lock, { recursive: true, force: true });
  return false;
}

function isStale(lock: string, staleLockMs: number): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > staleLockMs) return true;
    const owner = Number(readFileSync(join(lock, 'owner'), 'utf8'));
    return Number.isInteger(owner) && owner > 0 && !isProcessAlive(owner);
  } catch {
    // The owner file is written just after the folder; give a fresh lock the benefit of the doubt.
    return false;
  }
}
