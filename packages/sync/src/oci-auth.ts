import { definedFields } from '@gitseal/manifests';
import { hasControlChars } from './control-chars.js';

/** A token that can go into an Authorization header as is: not empty, no spaces or control characters. */
export function isHeaderSafe(token: string): boolean {
  return token !== '' && !/\s/.test(token) && !hasControlChars(token);
}

/** A registry's `WWW-Authenticate` challenge. */
export type OciChallenge =
  | { readonly scheme: 'basic' }
  | { readonly scheme: 'bearer'; readonly realm: string; readonly service?: string; readonly scope?: string }
  | { readonly scheme: 'unknown' };

const PARAM = /([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;

/** Reads `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string | undefined): OciChallenge {
  const text = (header ?? '').trim();
  const scheme = /^(\S+)/.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'basic') return { scheme: 'basic' };
  if (scheme !== 'bearer') return { scheme: 'unknown' };
  const params = new Map<string, string>();
  for (const m of text.slice('bearer'.length).matchAll(PARAM)) {
    params.set((m[1] ?? '').toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  const realm = params.get('realm');
  if (realm === undefined || realm === '') return { scheme: 'unknown' };
  return {
    scheme: 'bearer',
    realm,
    ...definedFields({ service: params.get('service'), scope: params.get('scope') }),
  };
}

/** The token endpoint's URL for a pull of `repository`. */
export function tokenUrl(challenge: Extract<OciChallenge, { scheme: 'bearer' }>, repository: string): URL {
  const url = new URL(challenge.realm);
  if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
  url.searchParams.set('scope', challenge.scope ?? `repository:${repository}:pull`);
  return url;
}

/** The token from a token endpoint's JSON answer (`token`, or OAuth2's `access_token`). */
export function readToken(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
    const token = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token;
    return typeof token === 'string' && isHeaderSafe(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** The next page of a tag list from its `Link: <…>; rel="next"` header, resolved against `url`. */
export function nextLink(link: string | undefined, url: URL): URL | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /\brel\s*=\s*"?next"?/i.test(m[2] ?? '')) {
      try {
        return new URL(m[1] ?? '', url);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
