import { randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh unguessable token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares two tokens in constant time (for equal lengths). */
export function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `a=1; b=2` → {a: '1', b: '2'} (the first of repeated names wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, part.slice(at + 1).trim());
  }
  return cookies;
}

export interface UiSessionRecord {
  readonly id: string;
  readonly csrfToken: string;
}

/**
 * The UI's logins: one login token, good for exactly one exchange, which makes a session (an HttpOnly cookie) with
 * its own CSRF token. Everything lives in memory: a restart of `gitseal ui` logs everybody out.
 */
export class UiAuth {
  readonly loginToken = newToken();
  readonly cookieName: string;
  #loginUsed = false;
  readonly #sessions = new Map<string, UiSessionRecord>();

  constructor(cookieName: string) {
    this.cookieName = cookieName;
  }

  /** The session the login token opens, once; undefined for a wrong or already used token. */
  exchange(token: string | undefined): UiSessionRecord | undefined {
    if (this.#loginUsed || !sameToken(token, this.loginToken)) return undefined;
    this.#loginUsed = true;
    const session = { id: newToken(), csrfToken: newToken() };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The session of a request's Cookie header. */
  sessionOf(cookieHeader: string | undefined): UiSessionRecord | undefined {
    const id = parseCookies(cookieHeader).get(this.cookieName);
    if (id === undefined) return undefined;
    for (const session of this.#sessions.values()) if (sameToken(id, session.id)) return session;
    return undefined;
  }

  /** The Set-Cookie value of a session: HttpOnly, SameSite=Strict, the whole site, gone with the browser. */
  cookie(session: UiSessionRecord): string {
    return `${this.cookieName}=${session.id}; Path=/; HttpOnly; SameSite=Strict`;
  }
}
