import { CodedError } from '@gitseal/crypto';

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
  readonly status?: number | undefined;
  /** The Kubernetes `Status.reason` (`NotFound`, `Conflict`, ...), when known. */
  readonly reason?: string | undefined;
}

/**
 * The one error class of the kube layer. Its message is always a safe one-liner: it names the object and
 * the HTTP status/reason and never carries a response or request body. The original API exception is never
 * its `cause` (a CodedError's cause can only be another CodedError), so a logger that serializes causes cannot
 * leak it.
 */
export class KubeError extends CodedError<KubeErrorCode> {
  override readonly name = 'KubeError';
  readonly status: number | undefined;
  readonly reason: string | undefined;

  constructor(code: KubeErrorCode, message: string, details: KubeErrorDetails = {}) {
    super(code, message);
    this.status = details.status;
    this.reason = details.reason;
  }
}
