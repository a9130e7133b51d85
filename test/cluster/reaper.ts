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
