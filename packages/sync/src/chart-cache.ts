import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const DIGEST = /^sha256:([a-f0-9]{64})$/;

/**
 * The cache folder of one chart source: `<cacheDir>/charts-by-source/<sha256 of url and name, 32 hex>`. Charts are
 * kept per source, so a GitSync whose own index.yaml names another source's digest still has to download it from its
 * own source with its own credentials: a private chart one tenant fetched never reaches another from the cache.
 */
export function chartSourceCacheDir(cacheDir: string, source: { readonly url: string; readonly name: string }): string {
  const id = createHash('sha256')
    .update(`${source.url.replace(/\/+$/, '')}\n${source.name}`)
    .digest('hex');
  return join(cacheDir, 'charts-by-source', id.slice(0, 32));
}

/** `<cacheDir>/charts/<hex>.tgz` for `sha256:<hex>`; undefined for anything else (it never becomes a path). */
export function chartCachePath(cacheDir: string, digest: string): string | undefined {
  const hex = DIGEST.exec(digest)?.[1];
  return hex === undefined ? undefined : join(cacheDir, 'charts', `${hex}.tgz`);
}

export async function isCached(path: string): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}

/** A fresh temporary file name in the cache's charts folder (same file system as the final name). */
export async function chartTempPath(cacheDir: string): Promise<string> {
  const dir = join(cacheDir, 'charts');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return join(dir, `.download-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Moves a downloaded file into the cache under `digest` after checking it: `got` is the sha256 computed while
 * streaming; `expected`, when known, must equal it. Returns the cached path; throws (and removes the temp file)
 * on a mismatch.
 */
export async function commitDownload(
  cacheDir: string,
  temp: string,
  got: string,
  expected: string | undefined,
): Promise<string> {
  if (expected !== undefined && expected !== got) {
    await rm(temp, { force: true });
    throw new DigestMismatch(expected, got);
  }
  const path = chartCachePath(cacheDir, got);
  if (path === undefined) {
    await rm(temp, { force: true });
    throw new Error(`unexpected digest form ${got.slice(0, 20)}`);
  }
  await rename(temp, path);
  return path;
}

export class DigestMismatch extends Error {
  override readonly name = 'DigestMismatch';
  constructor(expected: string, got: string) {
    super(`digest mismatch: expected ${expected}, downloaded ${got}`);
  }
}
