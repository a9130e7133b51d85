import { STATUS_CODES } from 'node:http';
import { isCodedError, unexpectedError } from '@gitseal/crypto';
import { KubeError, KubeErrorCode } from './kube-error.js';
import { describeCauses, statusCauses, type StatusCause } from './status-causes.js';

/** What can be read safely from a failed API call: numbers and fixed tokens, never a body. */
export interface ApiErrorInfo {
  readonly status?: number | undefined;
  readonly reason?: string | undefined;
  /** The Status message, kept only to be filtered by {@link describeApiError}; never surface it directly. */
  readonly statusMessage?: string | undefined;
  /** A system error code such as `ECONNREFUSED`. */
  readonly errno?: string | undefined;
  readonly timedOut?: boolean | undefined;
  /** Field paths and fixed phrases from `details.causes` (never the cause messages, which quote values). */
  readonly causes?: readonly StatusCause[] | undefined;
}

const REASON_PATTERN = /^[A-Za-z]{1,40}$/;
const ERRNO_PATTERN = /^[A-Z][A-Z0-9_]{1,60}$/;
const MAX_MESSAGE_LENGTH = 300;

/**
 * Status messages that are shown, by reason. A message is shown only when its reason is listed and the message
 * has one of the listed shapes: these are produced by the API server itself and name objects, versions or field
 * paths, never values. Everything else (Invalid, BadRequest, Forbidden from admission webhooks, InternalError)
 * can echo the request body and is left out.
 */
const SAFE_MESSAGES: Readonly<Record<string, readonly RegExp[]>> = {
  NotFound: [/^[\w.-]+ "[^"\n]{0,253}" not found$/, /^the server could not find the requested resource/],
  AlreadyExists: [/^[\w.-]+ "[^"\n]{0,253}" already exists$/],
  Conflict: [/^Operation cannot be fulfilled on [\w.-]+ "[^"\n]{0,253}": /, /^Apply failed with \d+ conflicts?:/],
  Gone: [/^too old resource version: \d+ \(\d+\)$/, /^The provided continue parameter is too old/],
  Expired: [/^too old resource version: \d+ \(\d+\)$/, /^The provided continue parameter is too old/],
  // The RBAC authorizer's own denial (who, which verb, resource, group and scope); admission denials differ.
  Forbidden: [
    /^(?:[\w.-]+(?: "[^"\n]{0,253}")? is forbidden: )?User "[^"\n]{1,256}" cannot [a-z]{1,30} resource "[\w./-]{1,120}" in API group "[\w.-]{0,253}" (?:at the cluster scope|in the namespace "[a-z0-9-]{1,63}")$/,
    /^forbidden: User "[^"\n]{1,256}" cannot [a-z]{1,30} path "[^"\n]{1,256}"$/,
  ],
};

const ERRNO_PHRASES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  EPIPE: 'connection closed',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  if (isRecord(body)) return body;
  if (typeof body !== 'string' || !body.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function fromStatus(status: Record<string, unknown>, httpStatus: number | undefined): ApiErrorInfo {
  const code = typeof status.code === 'number' ? status.code : httpStatus;
  const reason = typeof status.reason === 'string' && REASON_PATTERN.test(status.reason) ? status.reason : undefined;
  const statusMessage = typeof status.message === 'string' ? status.message : undefined;
  const causes = statusCauses(status);
  return { status: code, reason, statusMessage, ...(causes.length > 0 ? { causes } : {}) };
}

/**
 * Reads status code, reason and system error code from anything an API call can throw: client-node's
 * `ApiException` (`code` + `body`), a Watch error (`statusCode`), a `Status` object from a watch ERROR event,
 * a {@link KubeError}, or a network error.
 */
export function readApiError(err: unknown): ApiErrorInfo {
  if (err instanceof KubeError) return { status: err.status, reason: err.reason };
  if (!isRecord(err)) return {};
  if (err.kind === 'Status') return fromStatus(err, undefined);
  if (typeof err.code === 'number') {
    const body = parseBody(err.body);
    return body?.kind === 'Status' ? fromStatus(body, err.code) : { status: err.code };
  }
  if (typeof err.statusCode === 'number') return { status: err.statusCode };
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return { timedOut: true };
  if (typeof err.code === 'string' && ERRNO_PATTERN.test(err.code)) return { errno: err.code };
  return {};
}

/** HTTP status of a failed API call, or undefined when it never got a response. */
export function apiErrorStatus(err: unknown): number | undefined {
  return readApiError(err).status;
}

export function isNotFound(err: unknown): boolean {
  return apiErrorStatus(err) === 404;
}

export function isForbidden(err: unknown): boolean {
  return apiErrorStatus(err) === 403;
}

export function isAlreadyExists(err: unknown): boolean {
  const info = readApiError(err);
  return info.status === 409 && info.reason === 'AlreadyExists';
}

/** A 409 other than AlreadyExists: an optimistic-concurrency or server-side-apply field conflict. */
export function isConflict(err: unknown): boolean {
  const info = readApiError(err);
  return info.status === 409 && info.reason !== 'AlreadyExists';
}

/** 410 Gone (or reason Expired): a resourceVersion or continue token too old; relist. */
export function isGone(err: unknown): boolean {
  const info = readApiError(err);
  return info.status === 410 || info.reason === 'Gone' || info.reason === 'Expired';
}

function phraseOf(info: ApiErrorInfo): string {
  if (info.reason !== undefined) return info.reason.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const text = info.status === undefined ? undefined : STATUS_CODES[info.status];
  return text === undefined ? 'request failed' : text.toLowerCase();
}

function sanitize(message: string): string {
  const oneLine = message
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine.length > MAX_MESSAGE_LENGTH ? `${oneLine.slice(0, MAX_MESSAGE_LENGTH)}…` : oneLine;
}

function safeStatusMessage(info: ApiErrorInfo): string | undefined {
  if (info.reason === undefined || info.statusMessage === undefined) return undefined;
  const shapes = SAFE_MESSAGES[info.reason];
  if (shapes === undefined || !shapes.some((shape) => shape.test(info.statusMessage ?? ''))) return undefined;
  return sanitize(info.statusMessage);
}

/**
 * A safe one-line description of a failed API call, e.g. `Secret ns/name: forbidden (403)`. The Status message
 * is added only for reasons and shapes known not to echo the request body; the raw exception text never is.
 */
export function describeApiError(err: unknown, what: string): string {
  if (err instanceof KubeError && err.status === undefined) return err.message;
  const info = readApiError(err);
  if (info.status !== undefined) {
    const message = safeStatusMessage(info) ?? (info.causes ? describeCauses(info.causes) : undefined);
    return `${what}: ${phraseOf(info)} (${info.status})${message === undefined ? '' : `: ${message}`}`;
  }
  if (info.timedOut === true) return `${what}: timed out`;
  if (info.errno !== undefined) return `${what}: ${ERRNO_PHRASES[info.errno] ?? 'request failed'} (${info.errno})`;
  return `${what}: request failed`;
}

/** Wraps anything an API call threw into a {@link KubeError} with a safe message (a KubeError passes through). */
export function toKubeError(err: unknown, what: string, code: KubeErrorCode = KubeErrorCode.ApiError): KubeError {
  if (err instanceof KubeError) return err;
  const info = readApiError(err);
  const code_ = info.timedOut === true ? KubeErrorCode.Timeout : code;
  return new KubeError(code_, describeApiError(err, what), { status: info.status, reason: info.reason });
}

/**
 * A message for logs about an error of unknown origin: gitseal's coded errors keep their (safe) message, API-shaped
 * errors are described safely, any other Error shows only its class name (`unexpected TypeError`: a foreign
 * message may quote input), anything else is `unknown error`.
 */
export function safeErrorMessage(err: unknown, what = 'request'): string {
  if (isCodedError(err)) return sanitize(err.message);
  const info = readApiError(err);
  if (info.status !== undefined || info.errno !== undefined || info.timedOut === true) {
    return describeApiError(err, what);
  }
  return unexpectedError(err);
}
