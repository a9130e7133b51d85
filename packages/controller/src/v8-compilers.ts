import { setFlagsFromString } from 'node:v8';

/**
 * V8's optimizing (TurboFan) and baseline (Sparkplug) compilers, switched by what the controller is doing.
 *
 * Unsealing waits on RSA (native, in worker threads) and on the API server: without the compilers it costs ~10% more
 * CPU and ~12 MiB less memory (compiled code, the compiler threads' allocations, the heap V8 keeps for them). The
 * sync engine plans and diffs thousands of objects in JavaScript, 2.5–3× slower without them. So the bin starts
 * small, and the lazily loaded sync engine turns them on when the first GitSync appears (test/bench/RESULTS.md,
 * "Controller memory"). V8 reads these flags at each tiering decision, so a change applies to code that runs after
 * it, functions already loaded included.
 */
export function favourSize(): void {
  setFlagsFromString('--no-turbofan --no-sparkplug --optimize-for-size');
}

/** Turns the compilers back on (V8's defaults); does nothing visible when they were never off. */
export function favourSpeed(): void {
  setFlagsFromString('--turbofan --sparkplug --no-optimize-for-size');
}
