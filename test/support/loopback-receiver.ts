import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

/** One request as the receiver saw it: the raw body bytes, so signatures are checked over what was sent. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** How the receiver answers one request: a status, or `hold` (the test answers it later with `release`). */
export type Answer = number | 'hold';

export interface LoopbackReceiver {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** Decides each answer; default 200. */
  answer: (request: ReceivedRequest) => Answer;
  /** Answers held requests with 200. */
  release(): void;
  /** Resolves once `count` requests arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (the given port, else any) that records every request. */
export function startLoopbackReceiver(port = 0): Promise<LoopbackReceiver> {
  const requests: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(request);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      const answer = receiver.answer(request);
      if (answer === 'hold') return void held.push(res);
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'refused');
    });
  });
  const receiver: LoopbackReceiver = {
    url: '',
    port: 0,
    requests,
    answer: () => 200,
    release: () => {
      for (const res of held.splice(0)) res.writeHead(200).end('ok');
    },
    waitFor: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        if (requests.length >= count) return resolve(requests.slice());
        const timer = setTimeout(
          () => reject(new Error(`receiver: ${requests.length} of ${count} requests after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(requests.slice());
          },
        });
      }),
    close: () =>
      new Promise((resolve) => {
        receiver.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      Object.assign(receiver, { port: bound, url: `http://127.0.0.1:${bound}` });
      resolve(receiver);
    });
  });
}
