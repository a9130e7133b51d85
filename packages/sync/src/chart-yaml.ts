import { lstat, readFile } from 'node:fs/promises';
import { loadDocuments, ManifestError, type JsonValue } from '@gitseal/manifests';
import { SyncError, type SyncErrorCode } from './sync-error.js';

export const MAX_CHART_YAML_BYTES = 1024 * 1024;

/**
 * The first document of a chart's own YAML file (Chart.yaml, Chart.lock, requirements.yaml), at most 1 MiB;
 * undefined when it is not a regular file. A file too large or not YAML is a SyncError with `code`, naming `shown`.
 */
export async function readChartYaml(path: string, shown: string, code: SyncErrorCode): Promise<JsonValue | undefined> {
  let text: string;
  try {
    const stat = await lstat(path);
    if (!stat.isFile()) return undefined;
    if (stat.size > MAX_CHART_YAML_BYTES)
      throw new SyncError(code, `${shown}: larger than ${MAX_CHART_YAML_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof SyncError) throw error;
    return undefined;
  }
  try {
    return loadDocuments(text, { source: shown, maxBytes: MAX_CHART_YAML_BYTES, maxDocuments: 1 })[0];
  } catch (error) {
    if (error instanceof ManifestError) throw new SyncError(code, error.message);
    throw error;
  }
}
