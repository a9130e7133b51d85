/** Error codes of the kube layer. */
export const KubeErrorCode = {
  ConfigNotFound: 'CONFIG_NOT_FOUND',
  ConfigInvalid: 'CONFIG_INVALID',
  ApiError: 'API_ERROR',
  Timeout: 'TIMEOUT',
  Stopped: 'STOPPED',
  ProxyFailed: 'PROXY_FAILED',
  ResponseTooLarge: 'RESPONSE_TOO_LARGE',
  InvalidObject: 'INVALID_OBJECT',
  QueueShutDown: 'QUEUE_SHUT_DOWN',
} as const;
export type KubeErrorCode = (typeof KubeErrorCode)[keyof typeof KubeErrorCode];

export interface KubeErrorDetails {
  /** HTTP status code of the failed API call, when there was one. */
  readonly status?: number;
  /** The Kubernetes `Status.reason` (`NotFound`, `Conflict`, ...), when known. */
  readonly reason?: string;
}

/**
 * The one error class of the kube layer. Its message is always a safe one-liner: it names the object and
 * the HTTP status/reason and never carries a response or request body. It deliberately has no `cause`, so a
 * logger that serializes causes cannot leak the original API exception.
 */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  readonly code: KubeErrorCode;
  readonly status: number | undefined;
  readonly reason: string | undefined;

  constructor(code: KubeErrorCode, message: string, details: KubeErrorDetails = {}) {
    super(message);
    this.code = code;
    this.status = details.status;
    this.reason = details.reason;
  }
}
