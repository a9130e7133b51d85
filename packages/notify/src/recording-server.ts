import { createServer, type IncomingHttpHeaders } from 'node:http';

/** One request as a loopback server got it (unit tests of request shapes). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RecordingServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The status and body of each answer; default 201 `{}`. */
  answer: (request: RecordedRequest) => { status: number; body?: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records every request and answers as told: for unit tests of request shapes. */
export function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const { status, body, headers } = recording.answer(request);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body ?? '{}');
    });
  });
  const recording: RecordingServer = {
    url: '',
    requests,
    answer: () => ({ status: 201 }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      Object.assign(recording, { url: `http://127.0.0.1:${port}` });
      resolve(recording);
    });
  });
}
