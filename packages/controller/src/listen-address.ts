import { ControllerError, ControllerErrorCode } from './controller-error.js';

export interface ListenAddress {
  /** Empty means every interface. */
  readonly host: string;
  readonly port: number;
}

const PATTERN = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/;

/** Parses `:8080`, `127.0.0.1:0`, `localhost:9000` or `[::1]:8080`. */
export function parseListenAddress(text: string, flag: string): ListenAddress {
  const match = PATTERN.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !(port >= 0 && port <= 65_535)) {
    throw new ControllerError(ControllerErrorCode.InvalidFlag, `${flag} "${text}" is not host:port (e.g. :8080)`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

export function formatListenAddress(address: ListenAddress): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
