import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ProbeOptions {
  caPem?: string;
  token?: string;
  timeoutMs?: number;
}

export interface ProbeResult {
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  status: number;
  body: string;
}

/** One GET; never throws. HTTPS verifies the server against `caPem`. */
export function probeHttp(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return new Promise((resolve) => {
    const req = request(target, { headers, ca: options.caPem, timeout: options.timeoutMs ?? 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
    req.end();
  });
}
