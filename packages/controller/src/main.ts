import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { startController } from './controller.js';
import { ControllerError } from './controller-error.js';
import { createProgram } from './flags.js';

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
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 25_000);
      force.unref();
      controller.stop().then(
        () => {
          logger.info({}, 'stopped');
          logger.flush();
          process.exit(0);
        },
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof ControllerError) {
      process.stderr.write(`gitseal-controller: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message =
      error instanceof Error ? `${error.name}: ${error.message.split('\n', 1)[0] ?? ''}` : 'unknown error';
    process.stderr.write(`gitseal-controller: ${message}\n`);
    process.exitCode = 1;
  }
}
