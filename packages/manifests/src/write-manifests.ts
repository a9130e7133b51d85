import { dump } from 'js-yaml';

export const ManifestFormat = {
  Yaml: 'yaml',
  Json: 'json',
} as const;
export type ManifestFormat = (typeof ManifestFormat)[keyof typeof ManifestFormat];

/**
 * Serialises objects for Git: YAML documents separated by `---` with keys in the given order and no line
 * wrapping (long base64 stays on one line), or 2-space JSON (several objects become a `v1` List).
 */
export function formatManifests(objects: readonly object[], format: ManifestFormat): string {
  if (format === ManifestFormat.Json) {
    const value = objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
    return `${JSON.stringify(value, null, 2)}\n`;
  }
  return objects.map((object) => dump(object, { lineWidth: -1, noRefs: true })).join('---\n');
}
