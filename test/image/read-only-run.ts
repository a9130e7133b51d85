import { spawn } from 'node:child_process';
import { ImageError, ImageErrorCode } from './image-error.js';

export interface ReadOnlyRunOptions {
  /** uid:gid to run as (default the image's 65532:65532). */
  readonly user?: string;
  /** Environment of the command, on top of nothing (the image's own ENV is not applied: pass what it needs). */
  readonly env?: Record<string, string>;
  /** Host folders bind-mounted read-only at these paths below /tmp (created in the tmpfs). */
  readonly binds?: readonly { readonly host: string; readonly target: string }[];
}

export interface ReadOnlyRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` (sh) in a container's root file system the way a Pod with `readOnlyRootFilesystem: true` and an
 * emptyDir on /tmp sees it: in a private mount namespace the root is a read-only bind, /tmp a fresh tmpfs, /proc
 * and /dev mounted, then chroot as the image's user. Needs root (it runs `unshare --mount`); `rootfs` comes from
 * `buildah mount`.
 */
export function runReadOnly(rootfs: string, script: string, options: ReadOnlyRunOptions = {}): Promise<ReadOnlyRun> {
  const binds = options.binds ?? [];
  for (const bind of binds) {
    if (!/^\/tmp\/[A-Za-z0-9._/-]+$/.test(bind.target) || bind.target.includes('..')) {
      throw new ImageError(ImageErrorCode.RunFailed, `bind target ${bind.target} must be a plain path below /tmp`);
    }
  }
  const env = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`);
  // $1 rootfs, $2 user, $3 the script, then pairs of host path and target; the env follows "--".
  const setup = [
    'set -eu',
    'r=$1 user=$2 script=$3',
    'shift 3',
    'mount --bind "$r" "$r"',
    'mount -o remount,bind,ro "$r"',
    'mount -t tmpfs -o mode=1777,size=256m tmpfs "$r/tmp"',
    'mount -t proc proc "$r/proc"',
    'mount --rbind /dev "$r/dev"',
    'while [ "$1" != "--" ]; do mkdir -p "$r$2" && mount --bind -o ro "$1" "$r$2"; shift 2; done',
    'shift',
    'exec chroot --userspec="$user" "$r" /usr/bin/env -i "$@" /bin/sh -c "$script"',
  ].join('\n');
  const args = [
    '--mount',
    '--propagation',
    'private',
    '--',
    'sh',
    '-c',
    setup,
    'sh',
    rootfs,
    options.user ?? '65532:65532',
    script,
    ...binds.flatMap((b) => [b.host, b.target]),
    '--',
    ...env,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', (error) =>
      reject(new ImageError(ImageErrorCode.RunFailed, `unshare could not start: ${error.message}`)),
    );
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
