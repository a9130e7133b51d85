import { ManifestError, ManifestErrorCode } from './errors.js';

/**
 * Decodes a manifest file's bytes as UTF-8, refusing invalid bytes instead of replacing them with U+FFFD (which
 * would silently change a value, as `readFile(path, 'utf8')` does). A leading BOM is kept for the parser to drop.
 */
export function decodeUtf8Text(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ManifestError(ManifestErrorCode.NotUtf8, `${source}: not UTF-8 text (invalid byte sequence)`);
  }
}
