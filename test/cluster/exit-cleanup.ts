const cleanups = new Set<() => void>();
let installed = false;

/**
 * Runs `cleanup` (synchronous) when the process exits or is told to stop by a signal.
 * Returns the function that unregisters it.
 */
export function onProcessExit(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort while exiting: one failed cleanup must not skip the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  const signals = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
  for (const [name, number] of Object.entries(signals)) {
    process.once(name as NodeJS.Signals, () => {
      runAll();
      process.exit(128 + number);
    });
  }
}
