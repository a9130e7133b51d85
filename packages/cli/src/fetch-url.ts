import { CliError, ExitCode } from './cli-error.js';

export interface FetchOptions {
  /** Allow plain http:// (refused by default: a certificate fetched in clear text can be swapped). */
  readonly insecureHttp?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxBytes?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 256 * 1024;

export function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** The URL without credentials, query or fragment, fit for a message. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function parseUrl(value: string, insecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--cert ${JSON.stringify(value.slice(0, 200))}: not a valid URL`);
  }
  if (url.protocol === 'http:' && !insecureHttp) {
    throw new CliError(`${describeUrl(url)}: plain http:// refused; use https:// or --insecure-http`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`${describeUrl(url)}: only https:// URLs are supported`);
  }
  return url;
}

/** Reads a response body, refusing more than maxBytes (checked while reading, not trusted from Content-Length). */
export async function readCappedBytes(response: Response, where: string, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    throw new CliError(`${where}: response is larger than ${maxBytes} bytes`, ExitCode.Remote);
  }
  if (!response.body) {
    return Buffer.alloc(0);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > maxBytes) {
      throw new CliError(`${where}: response is larger than ${maxBytes} bytes`, ExitCode.Remote);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A fixed cause for a failed fetch: `timed out`, a system code such as `ECONNREFUSED`, or `request failed`. */
export function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'timed out';
  }
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') {
    return cause.code;
  }
  return 'request failed';
}

/** GET a small text document (a certificate) over HTTPS with a timeout and a size cap. Failures exit 3. */
export async function fetchText(value: string, options: FetchOptions = {}): Promise<string> {
  const url = parseUrl(value, options.insecureHttp ?? false);
  const where = describeUrl(url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/x-pem-file, */*' } });
  } catch (error) {
    throw new CliError(`${where}: cannot fetch: ${describeFetchError(error)}`, ExitCode.Remote);
  }
  if (response.url.startsWith('http:') && !options.insecureHttp) {
    await response.body?.cancel().catch(() => undefined);
    throw new CliError(`${where}: redirected to plain http://; refused`, ExitCode.Remote);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new CliError(`${where}: HTTP ${response.status}`, ExitCode.Remote);
  }
  try {
    return (await readCappedBytes(response, where, options.maxBytes ?? DEFAULT_MAX_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    throw new CliError(`${where}: cannot fetch: ${describeFetchError(error)}`, ExitCode.Remote);
  }
}
