import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { ListenAddress } from './listen-address.js';

export interface Listening {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts an express app on an address (`port` 0 picks a free port) and resolves once it listens. */
export function listen(app: Express, address: ListenAddress): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = address.host === '' ? app.listen(address.port) : app.listen(address.port, address.host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
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
