import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggedProcess } from './spawn-logged.js';

export type WaitOutcome = { kind: 'ready' } | { kind: 'exited'; how: string } | { kind: 'timeout' };

/** Polls `probe` until it says ready, the process exits, or `timeoutMs` passes. */
export async function waitReady(
  process: LoggedProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<WaitOutcome> {
  const deadline = Date.now() + timeoutMs;
  let interval = 50;
  while (Date.now() < deadline) {
    if (process.hasExited()) return { kind: 'exited', how: await process.exited };
    if (await probe()) return { kind: 'ready' };
    await Promise.race([sleep(interval), process.exited]);
    interval = Math.min(interval * 2, 250);
  }
  return { kind: 'timeout' };
}
