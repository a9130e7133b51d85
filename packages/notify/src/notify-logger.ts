/** The slice of a pino logger the notifier uses; pass `logger.child({ component: 'notify' })`. */
export interface NotifyLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: NotifyLogger = { warn: () => undefined, debug: () => undefined };
