const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The Host header values a server bound to `host:port` answers: the bound address, and for loopback also
 * `localhost:PORT` (and `127.0.0.1:PORT`). Anything else is a DNS-rebinding attempt or a misdirected request.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  const hosts = new Set([`${bracketed}:${port}`.toLowerCase()]);
  if (LOOPBACK.has(host)) {
    hosts.add(`localhost:${port}`);
    hosts.add(`127.0.0.1:${port}`);
  }
  return hosts;
}

export function isAllowedHost(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  return header !== undefined && allowed.has(header.trim().toLowerCase());
}

/** An Origin header, when a browser sent one, must be this server itself (`http://<allowed host>`). */
export function isAllowedOrigin(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  const match = /^http:\/\/([^/]+)$/i.exec(origin.trim());
  return match?.[1] !== undefined && allowed.has(match[1].toLowerCase());
}
