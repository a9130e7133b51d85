import { DeliveryError } from './delivery-error.js';

export interface PostOptions {
  /** The provider's name, for errors. */
  readonly provider: string;
  readonly url: string;
  readonly body: string;
  readonly headers?: Record<string, string> | undefined;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /**
   * A refusal that means "already done" (GitLab's repeated state transition): given the status and the first 4 KiB of
   * the body, true counts it as delivered. The body is only matched here, never put into an error or a log.
   */
  readonly acceptRefusal?: ((status: number, body: string) => boolean) | undefined;
  /** A refusal the receiver marks as temporary by its headers (GitHub's rate-limit 403): retried like a 429. */
  readonly retryRefusal?: ((status: number, headers: Headers) => boolean) | undefined;
}

const REFUSAL_PEEK_BYTES = 4096;

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
  if (!response.ok && response.status < 500 && options.acceptRefusal) {
    const peek = await readPrefix(response, REFUSAL_PEEK_BYTES);
    if (options.acceptRefusal(response.status, peek)) return;
  }
  // Drain the body so the connection can be reused; its content is never read into an error.
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return;
  const retryable =
    response.status >= 500 ||
    RETRYABLE_STATUS.has(response.status) ||
    options.retryRefusal?.(response.status, response.headers) === true;
  throw new DeliveryError(options.provider, `HTTP ${response.status}`, retryable);
}

function networkReason(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'timed out';
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code) ? cause.code : undefined;
  if ((error as { name?: string } | undefined)?.name === 'AbortError') return 'aborted';
  return code ? `connection failed (${code})` : 'connection failed';
}

/** The first `max` bytes of a response body as text (the rest is left for the caller to cancel). */
async function readPrefix(response: Response, max: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    return '';
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}
