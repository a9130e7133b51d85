import { isPlainObject } from './object-meta.js';

/** "file.yaml: Secret prod/db" — how messages name an object; names and namespaces are not secret. */
export function describeObjectInFile(object: unknown, source: string): string {
  if (!isPlainObject(object)) return source;
  const kind = typeof object['kind'] === 'string' ? object['kind'] : 'object';
  const metadata = isPlainObject(object['metadata']) ? object['metadata'] : {};
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  const id = namespace && name ? `${namespace}/${name}` : name;
  return id ? `${source}: ${kind} ${id}` : `${source}: ${kind}`;
}
