import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ClusterError, ClusterErrorCode } from './cluster-error.js';

const run = promisify(execFile);

/** The sandbox image the node's containerd is pinned to (no image can be pulled here). */
export const PAUSE_IMAGE = 'localhost/gitseal-pause:3.10';

const pauseSource = fileURLToPath(new URL('../../cluster/pause/pause.c', import.meta.url));

function imagesCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gitseal', 'node-images');
}

async function step(what: string, file: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(file, [...args], { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    const why =
      e.code === 'ENOENT' ? `${file} is not installed` : (e.stderr ?? '').trim().split('\n').slice(-3).join(' ');
    throw new ClusterError(ClusterErrorCode.StartFailed, `${what}: ${why}`);
  }
}

/**
 * A docker-archive of the pause image, built once (gcc -static, then buildah from scratch) into the cache outside
 * the repo; returns its path.
 */
export async function pauseImageArchive(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = imagesCacheDir(env);
  const archive = join(dir, 'gitseal-pause-3.10.tar');
  if (existsSync(archive)) return archive;
  mkdirSync(dir, { recursive: true });
  const work = join(dir, `pause-build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const binary = join(work, 'pause');
    await step('building the pause binary', 'gcc', ['-static', '-O2', '-s', '-o', binary, pauseSource]);
    const buildah = ['--root', join(work, 'root'), '--runroot', join(work, 'runroot'), '--storage-driver', 'vfs'];
    const container = await step('buildah from scratch', 'buildah', [...buildah, 'from', 'scratch']);
    await step('buildah copy', 'buildah', [...buildah, 'copy', container, binary, '/pause']);
    await step('buildah config', 'buildah', [...buildah, 'config', '--entrypoint', '["/pause"]', container]);
    await step('buildah commit', 'buildah', [...buildah, 'commit', '-q', container, PAUSE_IMAGE]);
    const tmp = `${archive}.${process.pid}`;
    await step('buildah push', 'buildah', [
      ...buildah,
      'push',
      '-q',
      PAUSE_IMAGE,
      `docker-archive:${tmp}:${PAUSE_IMAGE}`,
    ]);
    renameSync(tmp, archive);
  } finally {
    await run('buildah', [
      '--root',
      join(work, 'root'),
      '--runroot',
      join(work, 'runroot'),
      '--storage-driver',
      'vfs',
      'rm',
      '--all',
    ]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
  return archive;
}

/** Imports an image archive into the node's containerd (namespace k8s.io), never pulling anything. */
export async function importImage(ctr: string, socket: string, archive: string): Promise<void> {
  await step(`importing ${archive}`, ctr, ['--address', socket, '-n', 'k8s.io', 'images', 'import', archive]);
}
