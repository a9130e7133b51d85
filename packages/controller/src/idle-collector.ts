import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Default quiet time after the last unit of work before the first collection. */
export const IDLE_COLLECT_AFTER_MS = 10_000;
/** Default collections in a quiet spell, and the time between them. */
export const IDLE_COLLECT_ROUNDS = 3;
export const IDLE_COLLECT_GAP_MS = 2_000;

export interface IdleCollectorOptions {
  readonly quietMs?: number;
  readonly rounds?: number;
  readonly gapMs?: number;
  /** One full collection; default V8's own `gc()`. */
  readonly collect?: () => void;
}

/**
 * Full garbage collections once the controller goes quiet after work. A burst of reconciles (1,000 SealedSecrets
 * created at once, a restart's first pass, a GitSync's first sync) leaves megabytes of garbage in the old
 * generation, and V8 collects it only when more allocation asks for room: its memory reducer did not run in the
 * quiet minute after such a burst. A few collections a couple of seconds apart give the freed pages back to the
 * system (one freed the heap but kept ~6 MiB more resident than three): 79 → 70 MiB resident at 1,000 SealedSecrets
 * (test/bench/RESULTS.md). Each is one mark-compact of the live heap (tens of milliseconds), made only while no
 * work arrives; new work ends the spell.
 */
export class IdleCollector {
  readonly #collect: () => void;
  readonly #quietMs: number;
  readonly #rounds: number;
  readonly #gapMs: number;
  #timer: NodeJS.Timeout | undefined;
  #collections = 0;

  constructor(options: IdleCollectorOptions = {}) {
    this.#quietMs = options.quietMs ?? IDLE_COLLECT_AFTER_MS;
    this.#rounds = options.rounds ?? IDLE_COLLECT_ROUNDS;
    this.#gapMs = options.gapMs ?? IDLE_COLLECT_GAP_MS;
    this.#collect = options.collect ?? exposedGc();
  }

  /** Called after each unit of work: the collections wait until `quietMs` have passed without another. */
  noteWork(): void {
    this.#schedule(this.#quietMs, this.#rounds);
  }

  /** Collections made so far. */
  get collections(): number {
    return this.#collections;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number, roundsLeft: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#collections++;
      this.#collect();
      if (roundsLeft > 1) this.#schedule(this.#gapMs, roundsLeft - 1);
    }, delayMs);
    this.#timer.unref();
  }
}

/** V8's `gc()`, without starting node with --expose-gc: the flag is read when a context is made. */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
