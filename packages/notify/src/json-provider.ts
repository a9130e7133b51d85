import { postJson } from './http-post.js';
import type { Notification } from './notification.js';
import type { Provider, ProviderType } from './provider.js';

export const DEFAULT_SEND_TIMEOUT_MS = 10_000;

/** Where and how a provider POSTs: its name (never its URL, which may carry a token), the URL, headers, timeout. */
export interface JsonPostTarget {
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** A provider that POSTs `payload(notification)` as JSON to one URL. */
export function jsonPostProvider(
  type: ProviderType,
  target: JsonPostTarget,
  payload: (notification: Notification) => unknown,
): Provider {
  return {
    name: target.name,
    type,
    send: (notification, signal) =>
      postJson({
        provider: target.name,
        url: target.url,
        body: JSON.stringify(payload(notification)),
        ...(target.headers ? { headers: { ...target.headers } } : {}),
        timeoutMs: target.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      }),
  };
}
