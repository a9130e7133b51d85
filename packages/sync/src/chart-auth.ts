import type { GitAuth } from './git-auth.js';
import { hasControlChars } from './control-chars.js';

/**
 * The `Authorization` value GitAuth gives for a chart repository: `Bearer <bearerToken>`, else basic auth from
 * username/password, else undefined. Undefined too when a value has a line break or control character (it
 * would split the header): the request then goes anonymously and fails as unauthenticated.
 */
export function chartAuthorization(auth: GitAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.bearerToken !== undefined && auth.bearerToken !== '') {
    return hasControlChars(auth.bearerToken) ? undefined : `Bearer ${auth.bearerToken}`;
  }
  return basicAuthorization(auth);
}

export function basicAuthorization(auth: GitAuth | undefined): string | undefined {
  if (!auth || (auth.username === undefined && auth.password === undefined)) return undefined;
  const user = auth.username ?? '';
  const password = auth.password ?? '';
  if (hasControlChars(user) || hasControlChars(password) || user.includes(':')) return undefined;
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** `scheme://host[:port]` of a chart source URL (`oci://…` too), lower-cased; undefined when it does not parse. */
export function sourceOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * The auth for a dependency at `url`: all of it when `url` has the chart source's origin, else only the CA bundle
 * (a dependency elsewhere is fetched anonymously, as `helm dependency build` does without --pass-credentials).
 */
export function authForOrigin(
  auth: GitAuth | undefined,
  authOrigin: string | undefined,
  url: string,
): GitAuth | undefined {
  if (!auth) return undefined;
  const origin = sourceOrigin(url);
  if (authOrigin !== undefined && origin !== undefined && sourceOrigin(authOrigin) === origin) return auth;
  return auth.caBundle !== undefined ? { caBundle: auth.caBundle } : undefined;
}
