import type { Response } from 'express';

/** How often a comment line keeps an idle stream (and the proxies on its way) open. */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  send(message: unknown): void;
  /** Resolves when the client went away. */
  readonly closed: Promise<void>;
  readonly isClosed: () => boolean;
}

/** Turns a response into a server-sent-events stream of JSON messages. */
export function openEventStream(res: Response): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Connection', 'keep-alive');
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  let closed = false;
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const whenClosed = new Promise<void>((resolve) =>
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      resolve();
    }),
  );
  return {
    send(message) {
      if (!closed) res.write(`data: ${JSON.stringify(message)}\n\n`);
    },
    closed: whenClosed,
    isClosed: () => closed,
  };
}
