import { STATUS_CODES } from 'node:http';
import { CliError, ExitCode } from './cli-error.js';
import type { ControllerReply } from './controller-endpoint.js';

/** What an answer means for the one SealedSecret it was about. */
export type ControllerOutcome =
  /** 200: the parsed JSON body; null when the body is empty (Bitnami's controller answers verify so). */
  | { readonly kind: 'accepted'; readonly body: unknown }
  /** 409 (does not open there) or 400 (not a valid SealedSecret): a problem of this object, not of the controller. */
  | { readonly kind: 'refused'; readonly status: number; readonly error: string; readonly message: string }
  /** 429: ask again after this many milliseconds. */
  | { readonly kind: 'retry'; readonly delayMs: number };

const TOKEN = /^[A-Za-z]{1,40}$/;
const MAX_MESSAGE_LENGTH = 300;
const MIN_RETRY_MS = 200;
const MAX_RETRY_MS = 10_000;

/** The controller's `{error, message}` body, reduced to a token and one short printable line (or nothing). */
export function readErrorBody(body: Buffer): { error?: string; message?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { error, message } = parsed as { error?: unknown; message?: unknown };
  const token = typeof error === 'string' && TOKEN.test(error) ? error : undefined;
  if (token === undefined) return {}; // not the controller's shape: say nothing about it
  if (typeof message !== 'string') return { error: token };
  const line = message
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const short = line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH)}…` : line;
  return short === '' ? { error: token } : { error: token, message: short };
}

/** Retry-After in seconds or as an HTTP date, else exponential from 1 s; always within 0.2–10 s. */
export function retryDelayMs(retryAfter: string | undefined, attempt: number, now = Date.now()): number {
  let ms = 1000 * 2 ** attempt;
  const value = retryAfter?.trim() ?? '';
  if (/^\d{1,6}$/.test(value)) {
    ms = Number(value) * 1000;
  } else if (value !== '' && !Number.isNaN(Date.parse(value))) {
    ms = Date.parse(value) - now;
  }
  return Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, ms));
}

function describeStatus(reply: ControllerReply): string {
  const { error, message } = readErrorBody(reply.body);
  const text = (STATUS_CODES[reply.status] ?? 'unknown status').toLowerCase();
  const detail = error === undefined ? '' : `: ${error}${message === undefined ? '' : ` (${message})`}`;
  return `${text} (${reply.status})${detail}`;
}

/**
 * Reads one answer of POST /v1/verify or /v1/rotate. 200, 409, 400 and 429 are returned; anything else is the
 * controller's (or the network's) failure and throws a one-line CliError naming `where` (exit 3). `subject` names
 * the object, for the answers that are about its size.
 */
export function readReply(reply: ControllerReply, where: string, subject: string, attempt = 0): ControllerOutcome {
  const { status } = reply;
  // Bitnami's controller answers /v1/verify with a bare status code: 200 or 409 and an empty body.
  const empty = reply.body.toString('utf8').trim() === '';
  if (status === 200) {
    if (empty) return { kind: 'accepted', body: null };
    try {
      return { kind: 'accepted', body: JSON.parse(reply.body.toString('utf8')) as unknown };
    } catch {
      throw new CliError(`${where}: the answer is not JSON`, ExitCode.Remote);
    }
  }
  if (status === 409 || status === 400) {
    const { error, message } = readErrorBody(reply.body);
    if (error !== undefined) return { kind: 'refused', status, error, message: message ?? error };
    if (status === 409 && empty) {
      return {
        kind: 'refused',
        status,
        error: 'SealedSecretUndecryptable',
        message: 'the controller cannot decrypt it',
      };
    }
  }
  if (status === 429) return { kind: 'retry', delayMs: retryDelayMs(reply.retryAfter, attempt) };
  if (status === 413) {
    const message = `${subject}: ${where}: the SealedSecret is larger than the controller accepts (413)`;
    throw new CliError(message, ExitCode.Remote);
  }
  if (status === 415) {
    throw new CliError(`${where}: the controller does not accept the request's media type (415)`, ExitCode.Remote);
  }
  if (status >= 500) throw new CliError(`${where}: the controller failed: ${describeStatus(reply)}`, ExitCode.Remote);
  throw new CliError(`${where}: unexpected answer: ${describeStatus(reply)}`, ExitCode.Remote);
}

export type Refusal = Extract<ControllerOutcome, { kind: 'refused' }>;

/** The controller's message without its own `SealedSecret ns/name: ` prefix (the CLI names file and object). */
export function refusalReason(
  refusal: Refusal,
  object: { readonly namespace?: string | undefined; readonly name: string },
): string {
  const id = object.namespace ? `${object.namespace}/${object.name}` : object.name;
  const prefix = `SealedSecret ${id}: `;
  return refusal.message.startsWith(prefix) ? refusal.message.slice(prefix.length) : refusal.message;
}
