import type { Logger } from 'pino';

export interface WebhookSecretsOptions {
  /** Every GitSync key (`namespace/name`) in the informer cache. */
  readonly keys: () => readonly string[];
  /** The `spec.webhookSecretRef.name` of a cached GitSync; undefined when it has none or is not cached. */
  readonly ref: (key: string) => string | undefined;
  /** Reads the HMAC key (data key `token`) of a Secret; undefined when the Secret or the key is missing. */
  /** Reads the `token` of a GitSync's (`namespace/name`) webhook Secret, with that GitSync's own rights. */
  readonly read: (key: string, namespace: string, secretName: string) => Promise<Buffer | undefined>;
  readonly logger: Logger;
  /** How often the cache looks for GitSyncs whose secret it does not hold yet; default 2 s. */
  readonly sweepMs?: number;
  /** Every held secret is read again after this long; default 5 min. */
  readonly maxAgeMs?: number;
  /** A refused delivery re-reads its GitSync's secret, at most this often per GitSync; default 10 s. */
  readonly rereadAfterRefusalMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly ref: string;
  readonly token: Buffer | undefined;
  readonly readAt: number;
}

/**
 * The webhook HMAC keys of the GitSyncs, held in memory so that answering a webhook does no I/O at all: an
 * unknown GitSync, one without a secret and one with a secret then cost the same (a Map lookup and one HMAC),
 * and the answer's timing tells nothing about which GitSyncs exist. The API server is read in the background
 * instead: a GitSync new to the cache within `sweepMs`, every held secret after `maxAgeMs`, and the secret of a
 * GitSync whose delivery was refused (after the answer; at most every `rereadAfterRefusalMs`), so a rotated
 * token works from the delivery after the first refused one.
 */
export class WebhookSecrets {
  readonly #o: WebhookSecretsOptions;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #rereadAt = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #stopped = false;

  constructor(options: WebhookSecretsOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts the background sweep (an unref'd timer: it never keeps the process up). */
  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => void this.sweep(), this.#o.sweepMs ?? 2_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#sweeping;
  }

  /** The held key for a GitSync, from memory only; undefined when unknown, without a secret, or not read yet. */
  get(key: string): Buffer | undefined {
    const entry = this.#entries.get(key);
    const ref = this.#o.ref(key);
    return entry !== undefined && entry.ref === ref && entry.token !== undefined && entry.token.length > 0
      ? entry.token
      : undefined;
  }

  /** Told after a refused delivery: re-read that GitSync's secret soon (its token may have been rotated). */
  refused(key: string): void {
    if (this.#o.ref(key) === undefined) return;
    const now = this.#now();
    if ((this.#rereadAt.get(key) ?? -Infinity) > now) return;
    this.#rereadAt.set(key, now + (this.#o.rereadAfterRefusalMs ?? 10_000));
    // Stale, not gone: the held key keeps serving until the next sweep has read it again, so forged deliveries
    // cannot turn the genuine ones away.
    const entry = this.#entries.get(key);
    if (entry) this.#entries.set(key, { ...entry, readAt: -Infinity });
  }

  /** One pass: forget what is gone, read what is new, changed or old. Serial: one read at a time. */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweep().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweep(): Promise<void> {
    const keys = new Set(this.#o.keys());
    for (const key of this.#entries.keys()) if (!keys.has(key)) this.#entries.delete(key);
    for (const key of this.#rereadAt.keys()) if (!keys.has(key)) this.#rereadAt.delete(key);
    const maxAge = this.#o.maxAgeMs ?? 5 * 60_000;
    for (const key of keys) {
      if (this.#stopped) return;
      const ref = this.#o.ref(key);
      if (ref === undefined) {
        this.#entries.delete(key);
        continue;
      }
      const entry = this.#entries.get(key);
      if (entry && entry.ref === ref && this.#now() - entry.readAt < maxAge) continue;
      const namespace = key.slice(0, key.indexOf('/'));
      try {
        const token = await this.#o.read(key, namespace, ref);
        this.#entries.set(key, { ref, token, readAt: this.#now() });
      } catch {
        // Keep what was held (an API hiccup must not turn valid deliveries away); try again next sweep.
        this.#o.logger.warn({ gitSync: key, secret: `${namespace}/${ref}` }, 'webhook secret could not be read');
      }
    }
  }
}
