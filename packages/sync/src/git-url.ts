import { SyncError, SyncErrorCode } from './sync-error.js';
import { hasControlChars } from './control-chars.js';

/** The Git transports gitseal speaks; everything else (`ext::`, `fd::`, local paths, git://) is refused. */
export const GitTransport = {
  Https: 'https',
  Http: 'http',
  Ssh: 'ssh',
  File: 'file',
} as const;
export type GitTransport = (typeof GitTransport)[keyof typeof GitTransport];

export interface GitUrlPolicy {
  /** Plain http:// (only for tests and loopback). Default false. */
  allowHttp?: boolean;
  /** file:// repositories on the controller's disk. Default true. */
  allowFile?: boolean;
}

export interface GitUrl {
  readonly url: string;
  readonly transport: GitTransport;
}

const MAX_URL_LENGTH = 2048;
const TRANSPORT_SYNTAX = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const SCP_LIKE = /^(?:([A-Za-z0-9._~-]+)@)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([^/].*|\/.+)$/;
const USERINFO = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/@]*@/g;

/** Scrubs user info (user names, passwords, tokens) from every URL in a text, for messages. */
export function redactUrl(text: string): string {
  return text.replace(USERINFO, '$1***@');
}

function refuse(url: string, why: string): never {
  throw new SyncError(SyncErrorCode.InvalidUrl, `Git URL ${JSON.stringify(redactUrl(url).slice(0, 200))}: ${why}`);
}

function checkSchemeUrl(url: string, scheme: string, policy: GitUrlPolicy): GitUrl {
  const transport = scheme.toLowerCase();
  if (transport === GitTransport.Http && !policy.allowHttp) refuse(url, 'plain http is not allowed (use https)');
  if (transport === GitTransport.File && policy.allowFile === false) refuse(url, 'file:// URLs are not allowed');
  if (!(Object.values(GitTransport) as string[]).includes(transport)) {
    refuse(url, `unsupported scheme "${scheme}" (use https, ssh or file)`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    refuse(url, 'not a valid URL');
  }
  if (transport === GitTransport.File) {
    if (parsed.host !== '' && parsed.host !== 'localhost') refuse(url, 'file:// URLs must not name a host');
    if (parsed.pathname === '/' || parsed.pathname === '') refuse(url, 'file:// URL has no path');
    return { url, transport };
  }
  if (parsed.hostname === '' || parsed.hostname.startsWith('-')) refuse(url, 'invalid host');
  if (parsed.password !== '') refuse(url, 'credentials in the URL are not allowed (use spec.source.secretRef)');
  // https://TOKEN@host/… is a token in the URL: it would reach git's command line and every status message.
  if (transport !== GitTransport.Ssh && parsed.username !== '') {
    refuse(url, 'credentials in the URL are not allowed (put them in the Secret named by spec.source.secretRef)');
  }
  if (parsed.username.startsWith('-')) refuse(url, 'invalid user name');
  return { url, transport: transport as GitTransport };
}

/**
 * Checks a repository URL before it gets near `git`: https://, ssh://, scp-like `user@host:path`, file://
 * (and http:// when allowed). Refuses transport syntax such as `ext::`/`fd::`, leading dashes, control
 * characters and passwords in the URL.
 */
export function parseGitUrl(url: string, policy: GitUrlPolicy = {}): GitUrl {
  if (typeof url !== 'string' || url === '') refuse(String(url), 'empty');
  if (url.length > MAX_URL_LENGTH) refuse(url, `longer than ${MAX_URL_LENGTH} characters`);
  if (hasControlChars(url) || /\s/.test(url)) refuse(url, 'contains control characters or whitespace');
  if (url.startsWith('-')) refuse(url, 'starts with "-"');
  if (TRANSPORT_SYNTAX.test(url)) refuse(url, 'transport syntax "<transport>::" is not allowed');
  const scheme = SCHEME.exec(url);
  if (scheme) return checkSchemeUrl(url, scheme[1] ?? '', policy);
  const scp = SCP_LIKE.exec(url);
  if (scp) {
    const [, user, host, path] = scp;
    if (user?.startsWith('-') || host?.startsWith('-') || path?.startsWith('-')) refuse(url, 'invalid host or path');
    return { url, transport: GitTransport.Ssh };
  }
  return refuse(url, 'not a supported Git URL (use https://, ssh://, user@host:path or file://)');
}
