import type { KubeConfig } from '@kubernetes/client-node';
import { assertOk, requestRaw } from './raw-request.js';
import { resourcePath, type ResourceType } from './resource.js';

/** An object as raw JSON: only the metadata a write needs is typed. */
export interface RawObject {
  readonly metadata?: {
    readonly name?: string;
    readonly generateName?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
}

export interface WriteObjectOptions {
  /** Recorded in managedFields; default `gitseal`. */
  readonly fieldManager?: string;
  /** Whole-request deadline; default that of {@link requestRaw}. */
  readonly timeoutMs?: number;
}

export interface ReplaceObjectOptions extends WriteObjectOptions {
  /** Optimistic concurrency: the write fails with a conflict unless the stored object still has this version. */
  readonly resourceVersion?: string;
}

function describe(verb: string, resource: ResourceType, object: RawObject): string {
  const { namespace, generateName } = object.metadata ?? {};
  const name = object.metadata?.name ?? (generateName === undefined ? '' : `${generateName}*`);
  return `${verb} ${resource.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

async function send<T>(
  kc: KubeConfig,
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
  what: string,
  options: WriteObjectOptions,
): Promise<T> {
  const response = await requestRaw(kc, {
    method,
    path,
    query: { fieldManager: options.fieldManager ?? 'gitseal' },
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
    what,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  assertOk(response, what);
  return JSON.parse(response.body.toString('utf8')) as T;
}

/**
 * Creates one object from raw JSON and returns it as stored. Unlike client-node's typed calls nothing goes through
 * its models, so timestamps stay strings and unknown fields survive. Errors are safe KubeErrors (never the body).
 */
export function createObject<T extends RawObject>(
  kc: KubeConfig,
  resource: ResourceType,
  object: T,
  options: WriteObjectOptions = {},
): Promise<T> {
  const path = resourcePath(resource, object.metadata?.namespace);
  return send<T>(kc, 'POST', path, object, describe('create', resource, object), options);
}

/**
 * Replaces one object whole (PUT) and returns it as stored: fields others added are dropped, which server-side
 * apply would keep. With `resourceVersion` the replace is optimistic (409 Conflict when the object moved on).
 */
export function replaceObject<T extends RawObject>(
  kc: KubeConfig,
  resource: ResourceType,
  object: T,
  options: ReplaceObjectOptions = {},
): Promise<T> {
  const { namespace, generateName } = object.metadata ?? {};
  const name = object.metadata?.name ?? (generateName === undefined ? '' : `${generateName}*`);
  const body =
    options.resourceVersion === undefined
      ? object
      : { ...object, metadata: { ...object.metadata, resourceVersion: options.resourceVersion } };
  const path = resourcePath(resource, namespace, name);
  return send<T>(kc, 'PUT', path, body, describe('update', resource, object), options);
}
