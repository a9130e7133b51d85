import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * A tiny shell that reads pids on stdin and, when stdin closes because this process died (even by SIGKILL),
 * stops them. Exit handlers cannot run on SIGKILL or a crash of the test runner; this can.
 */
const script = [
  "trap '' INT TERM HUP",
  'pids=',
  'while read -r pid; do pids="$pids $pid"; done',
  '[ -n "$pids" ] || exit 0',
  'kill -TERM $pids 2>/dev/null',
  'sleep 3',
  'kill -KILL $pids 2>/dev/null',
].join('\n');

export interface Reaper {
  /** Have `pid` stopped if this process dies without stopping it. */
  watch(pid: number): void;
  /** Stop watching: the caller stops its processes itself. */
  disarm(): void;
}

export function startReaper(): Reaper {
  const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  (child.stdin as Socket).unref();
  child.stdin.on('error', () => undefined);
  return {
    watch: (pid) => void child.stdin.write(`${pid}\n`),
    disarm: () => {
      child.kill('SIGKILL');
      child.stdin.destroy();
    },
  };
}

/**
 * The node's reaper: when this process dies (even by SIGKILL) without stopping its node cluster, it runs
 * `cluster down --dir DIR`, which removes pods, mounts, iptables chains, the bridge and cgroups. Pods live outside
 * this process's cgroup, so nothing else would stop them.
 */
export function startNodeReaper(dir: string): Reaper {
  const cli = new URL('./cli.js', import.meta.url).pathname;
  const down = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} down --dir ${JSON.stringify(dir)}`;
  const child = spawn('sh', ['-c', `trap '' INT TERM HUP; cat >/dev/null; ${down}`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  (child.stdin as Socket).unref();
  child.stdin.on('error', () => undefined);
  return {
    watch: () => undefined,
    disarm: () => {
      child.kill('SIGKILL');
      child.stdin.destroy();
    },
  };
}
