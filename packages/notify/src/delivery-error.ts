/**
 * A failed delivery, one line, naming the provider (never its URL or credentials). `retryable` is false for a
 * request the receiver will never accept (4xx other than 408/429): retrying it only repeats the refusal.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly provider: string,
    readonly reason: string,
    readonly retryable: boolean,
  ) {
    super(`provider ${provider}: ${reason}`);
  }
}
