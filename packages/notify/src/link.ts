import type { NotifyEvent } from './event.js';

/**
 * Builds the link back to gitseal from a URL pattern such as
 * `https://gitseal.example/ui/gitsyncs/{namespace}/{name}`. Placeholders: `{kind}`, `{namespace}`, `{name}`,
 * `{revision}`, each URL-encoded; an unknown placeholder is an error (a typo would otherwise ship broken links).
 * No pattern, no link.
 */
export function buildLink(pattern: string | undefined, event: NotifyEvent): string | undefined {
  if (!pattern) return undefined;
  const values: Record<string, string> = {
    kind: event.object.kind.toLowerCase(),
    namespace: event.object.namespace ?? '',
    name: event.object.name,
    revision: event.revision ?? '',
  };
  return pattern.replace(/\{([a-z]+)\}/g, (_whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`link pattern: unknown placeholder {${key}}`);
    return encodeURIComponent(value);
  });
}

/** Checks a pattern once, at configuration time: an http(s) URL whose placeholders are all known. */
export function validateLinkPattern(pattern: string): void {
  for (const [, key] of pattern.matchAll(/\{([a-z]+)\}/g)) {
    if (!['kind', 'namespace', 'name', 'revision'].includes(key ?? '')) {
      throw new Error(`link pattern: unknown placeholder {${key}}`);
    }
  }
  const sample = pattern.replace(/\{[a-z]+\}/g, 'x');
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    throw new Error('link pattern: not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('link pattern: not an http(s) URL');
}
