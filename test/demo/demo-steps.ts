// What both demos share: timestamped progress lines, polling, the clean-ups run at the end (also on failure and
// Ctrl-C), and the gitseal CLI as a process.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor as pollUntil } from '../support/wait-for.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url)); // from test/dist/demo
const GITSEAL = join(ROOT, 'packages', 'cli', 'bin', 'gitseal.js');
const started = Date.now();

export function step(text: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[${seconds}s] ${text}`);
}

/** test/support's waitFor with the demo's pace: a minute at most, polled every 300 ms. */
export function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 300,
): Promise<T> {
  return pollUntil(what, check, timeoutMs, intervalMs);
}

/** `gitseal …` with the demo's kubeconfig; its stderr goes to the terminal, stdout is returned. */
export function gitseal(kubeconfig: string, args: readonly string[], input?: string): string {
  return execFileSync(process.execPath, [GITSEAL, ...args, '--kubeconfig', kubeconfig], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/** A Secret manifest for `gitseal seal` (stdin); the demo's passwords are made up and never printed. */
export function secretYaml(name: string, namespace: string, password: string): string {
  return [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'stringData:',
    '  username: demo',
    `  password: ${password}`,
    '',
  ].join('\n');
}

/** Clean-ups, run last-in first-out; every one runs even when an earlier one fails. */
export class Cleanups {
  readonly #steps: Array<{ what: string; run: () => Promise<void> | void }> = [];
  #running: Promise<void> | undefined;

  add(what: string, run: () => Promise<void> | void): void {
    this.#steps.push({ what, run });
  }

  /** Runs them once (a second call, e.g. Ctrl-C during the clean-up, waits for the first). */
  runAll(): Promise<void> {
    this.#running ??= (async () => {
      for (const { what, run } of this.#steps.reverse()) {
        try {
          await run();
        } catch (error) {
          const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
          console.error(`gitseal demo: clean-up "${what}" failed: ${why}`);
        }
      }
    })();
    return this.#running;
  }
}
