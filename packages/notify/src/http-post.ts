import { DeliveryError } from './delivery-error.js';

export interface PostOptions {
  /** The provider's name, for errors. */
  readonly provider: string;
  readonly url: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

const RETRYABLE_STATUS = new Set([408, 425, 429]);

/**
 * POSTs a JSON body; resolves on 2xx. Errors carry the status or the network error code only: never the URL
 * (webhook URLs are credentials), the response body (it may echo the request) or the request headers.
 */
export async function postJson(options: PostOptions): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'gitseal-notify', ...options.headers },
      body: options.body,
      signal,
      redirect: 'error',
    });
  } catch (error) {
    throw new DeliveryError(options.provider, networkReason(error, timeout.aborted), true);
  }
  // Drain the body so the connection can be reused; its content is never read into an error.
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return;
  const retryable = response.status >= 500 || RETRYABLE_STATUS.has(response.status);
  throw new DeliveryError(options.provider, `HTTP ${response.status}`, retryable);
}

function networkReason(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'timed out';
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code) ? cause.code : undefined;
  if ((error as { name?: string } | undefined)?.name === 'AbortError') return 'aborted';
  return code ? `connection failed (${code})` : 'connection failed';
}
