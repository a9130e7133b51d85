import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ControllerError, ControllerErrorCode } from './controller-error.js';
import { formatListenAddress, type ListenAddress } from './listen-address.js';

export interface Listening {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
};

/** `listen 127.0.0.1:8080: address already in use`. */
function listenError(address: ListenAddress, error: unknown): ControllerError {
  const code = (error as { code?: unknown }).code;
  const cause = typeof code === 'string' ? (LISTEN_ERRORS[code] ?? code) : 'failed';
  return new ControllerError(ControllerErrorCode.ListenFailed, `listen ${formatListenAddress(address)}: ${cause}`);
}

/**
 * Starts an express app on an address (`port` 0 picks a free port) and resolves once it listens; rejects with a
 * ListenFailed ControllerError naming the address when it cannot bind.
 */
export function listen(app: Express, address: ListenAddress): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = address.host === '' ? app.listen(address.port) : app.listen(address.port, address.host);
    server.once('error', (error) => reject(listenError(address, error)));
    server.once('listening', () => {
      server.removeAllListeners('error');
      server.keepAliveTimeout = 5_000;
      server.requestTimeout = 30_000;
      const port = (server.address() as AddressInfo).port;
      const close = (): Promise<void> =>
        new Promise((done) => {
          server.close(() => done());
          server.closeIdleConnections();
        });
      resolve({ server, port, close });
    });
  });
}
