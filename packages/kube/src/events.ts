import { definedFields } from '@gitseal/manifests';
import { randomBytes } from 'node:crypto';
import type { CoreV1Event, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { safeErrorMessage } from './api-error.js';
import { assertOk, requestRaw } from './raw-request.js';
import { resourcePath, Resources } from './resource.js';
import { createObject } from './write-object.js';

export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export interface InvolvedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly uid?: string | undefined;
  readonly resourceVersion?: string | undefined;
}

export interface EventInput {
  readonly involvedObject: InvolvedObject;
  readonly type: EventType;
  /** PascalCase, e.g. `SealedSecretUndecryptable`. */
  readonly reason: string;
  /** Must already be safe: no secret values, no raw API error text. Cut to 1024 characters. */
  readonly message: string;
  /** The reporting component, e.g. `gitseal-controller`. */
  readonly component: string;
}

const MAX_MESSAGE = 1024;

function eventName(objectName: string): string {
  const suffix = `${Date.now().toString(16)}${randomBytes(4).toString('hex')}`;
  return `${objectName.slice(0, 253 - suffix.length - 1)}.${suffix}`;
}

function namespaceOf(input: EventInput): string {
  return input.involvedObject.namespace ?? 'default';
}

/** Builds the core/v1 Event for an input (pure apart from the generated name). */
export function buildEvent(input: EventInput, now: Date = new Date()): CoreV1Event {
  const { involvedObject } = input;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(involvedObject.name), namespace: namespaceOf(input) },
    involvedObject: definedFields(involvedObject),
    type: input.type,
    reason: input.reason,
    message: input.message.length > MAX_MESSAGE ? `${input.message.slice(0, MAX_MESSAGE - 1)}…` : input.message,
    source: { component: input.component },
    reportingComponent: input.component,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
  };
}

export interface EventRecorderOptions {
  readonly kubeConfig: KubeConfig;
  readonly component: string;
  readonly logger?: Logger;
  /** Distinct events remembered for aggregation; default 1000. */
  readonly maxCached?: number;
}

interface Recorded {
  readonly name: string;
  readonly namespace: string;
  count: number;
}

/**
 * Records events best-effort: never throws (failures are logged), and a repeat of the same object, type, reason
 * and message bumps `count` and `lastTimestamp` of the earlier Event instead of creating another.
 */
export class EventRecorder {
  readonly #kubeConfig: KubeConfig;
  readonly #component: string;
  readonly #logger: Logger | undefined;
  readonly #maxCached: number;
  readonly #recent = new Map<string, Recorded>();

  constructor(options: EventRecorderOptions) {
    this.#kubeConfig = options.kubeConfig;
    this.#component = options.component;
    this.#logger = options.logger;
    this.#maxCached = options.maxCached ?? 1000;
  }

  async record(input: Omit<EventInput, 'component'>): Promise<void> {
    const full: EventInput = { ...input, component: this.#component };
    const { involvedObject: o } = full;
    const key = [namespaceOf(full), o.kind, o.name, o.uid ?? '', full.type, full.reason, full.message].join('\u0000');
    try {
      const previous = this.#recent.get(key);
      if (previous !== undefined && (await this.#bump(previous))) return;
      // A plain create: client-node's CoreV1Api (every core endpoint and model) would cost ~1.2 MiB of heap for it.
      const created = await createObject(this.#kubeConfig, Resources.Event, buildEvent(full), {
        fieldManager: full.component,
      });
      this.#remember(key, { name: created.metadata?.name ?? '', namespace: namespaceOf(full), count: 1 });
    } catch (err) {
      this.#logger?.warn(
        { object: `${o.kind} ${namespaceOf(full)}/${o.name}`, reason: full.reason, error: safeErrorMessage(err) },
        'event not recorded',
      );
    }
  }

  /** Bumps the count of an earlier event; false when it is gone (expired by the server's TTL). */
  async #bump(previous: Recorded): Promise<boolean> {
    const count = previous.count + 1;
    const what = `Event ${previous.namespace}/${previous.name}`;
    const response = await requestRaw(this.#kubeConfig, {
      method: 'PATCH',
      path: resourcePath(Resources.Event, previous.namespace, previous.name),
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ count, lastTimestamp: new Date() }),
      what,
    });
    if (response.status === 404) return false;
    assertOk(response, what);
    previous.count = count;
    return true;
  }

  #remember(key: string, recorded: Recorded): void {
    this.#recent.delete(key);
    this.#recent.set(key, recorded);
    if (this.#recent.size > this.#maxCached) {
      const oldest = this.#recent.keys().next();
      if (oldest.done !== true) this.#recent.delete(oldest.value);
    }
  }
}
