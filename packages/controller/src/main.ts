import { readFileSync } from 'node:fs';
import { safeErrorMessage } from '@gitseal/kube';
import { pino } from 'pino';
import { startController } from './controller.js';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import { createProgram } from './flags.js';

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The gitseal-controller process: parse flags, start, stop gracefully on SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  const version = packageVersion();
  const program = createProgram(version, async (options) => {
    const logger = pino({ level: options.logLevel, base: { component: 'gitseal-controller' } });
    logger.info({ version }, 'gitseal-controller');
    const controller = await startController(options, logger);
    let stopping = false;
    const shutdown = (signal: string, exitCode = 0): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 25_000);
      force.unref();
      controller.stop().then(
        () => {
          logger.info({}, 'stopped');
          logger.flush();
          process.exit(exitCode);
        },
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    // A controller that cannot load or make its keys must not keep answering /healthz: stop, exit non-zero.
    void controller.startFailed.then((reason) => {
      process.stderr.write(`gitseal-controller: start failed: ${oneLine(reason)}\n`);
      shutdown('start failed', 1);
    });
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Exit at once: what start made before it failed (RSA workers, timers) would keep an idle process alive.
    if (error instanceof ControllerError) {
      process.stderr.write(`gitseal-controller: ${error.message}\n`);
      process.exit(error.code === ControllerErrorCode.ListenFailed ? 1 : 2);
    }
    process.stderr.write(`gitseal-controller: ${oneLine(safeErrorMessage(error, 'start'))}\n`);
    process.exit(1);
  }
}
