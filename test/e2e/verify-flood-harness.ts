// A bounded flood of POST /v1/verify from several loopback source addresses, and the time a new SealedSecret
// takes to become a Secret: shared by controller-verify-flood.test.ts and test/bench/verify-flood.mjs.
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CustomObjectsApi, Watch, type KubeConfig } from '@kubernetes/client-node';
import { Envelope } from '@gitseal/crypto';
import { sealItems, type SealedSecretObject } from './controller-harness.js';

export interface PostAnswer {
  readonly status: number;
  readonly retryAfter: string | undefined;
}

/** POSTs a JSON body over `agent` (which fixes the source address); the answer's body is read and dropped. */
export function postJson(url: string, body: Buffer, agent: Agent): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A SealedSecret of `count` v2 items sealed to `certPem` for `namespace/name` (strict scope). */
export function manyItems(certPem: string, namespace: string, name: string, count: number): SealedSecretObject {
  const values = Object.fromEntries(Array.from({ length: count }, (_, i) => [`item-${i}`, `value-${i}`]));
  return {
    apiVersion: 'gitseal.dev/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name, namespace },
    spec: { encryptedData: sealItems(certPem, 'strict', namespace, name, values, Envelope.V2), template: {} },
  };
}

export interface FloodClient {
  /** Loopback source address, e.g. 127.0.0.2 (Linux routes all of 127/8 to lo): one rate-limit bucket each. */
  readonly address: string;
  readonly body: Buffer;
  /** Requests this client has in flight at once (default 1). */
  readonly concurrency?: number;
  /**
   * Least time between the starts of two requests of one loop: a client at its rate limit (e.g. 2,000 ms for 64
   * items at 32/s). Default: back to back, a few ms apart, whatever the answers say (a flood).
   */
  readonly intervalMs?: number;
}

export interface FloodCounts {
  /** Answers by HTTP status. */
  readonly byStatus: Record<number, number>;
  readonly requests: number;
  readonly seconds: number;
  /** Transport errors (connection reset and the like). */
  readonly errors: number;
}

export interface Flood {
  /** The counts so far (the flood goes on). */
  snapshot(): FloodCounts;
  stop(): Promise<FloodCounts>;
}

/**
 * Starts every client posting its body to `${api}/v1/verify`, ignoring Retry-After, each loop at its own pace
 * (`intervalMs`, at least `pauseMs` apart). Stops on `stop()` or after `maxMs`, whichever comes first.
 */
export function startFlood(api: string, clients: readonly FloodClient[], pauseMs = 5, maxMs = 120_000): Flood {
  const byStatus: Record<number, number> = {};
  let requests = 0;
  let errors = 0;
  let stopped = false;
  const started = Date.now();
  const deadline = started + maxMs;
  const agents: Agent[] = [];
  const loops = clients.flatMap((client) => {
    const agent = new Agent({ keepAlive: true, localAddress: client.address, maxSockets: client.concurrency ?? 1 });
    agents.push(agent);
    return Array.from({ length: client.concurrency ?? 1 }, async () => {
      while (!stopped && Date.now() < deadline) {
        const next = Date.now() + (client.intervalMs ?? pauseMs);
        try {
          const { status } = await postJson(`${api}/v1/verify`, client.body, agent);
          byStatus[status] = (byStatus[status] ?? 0) + 1;
        } catch {
          errors++;
        }
        requests++;
        await sleep(Math.max(pauseMs, Math.min(next, deadline) - Date.now()));
      }
    });
  });
  const counts = (): FloodCounts => ({
    byStatus: { ...byStatus },
    requests,
    errors,
    seconds: (Date.now() - started) / 1000,
  });
  return {
    snapshot: counts,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      for (const agent of agents) agent.destroy();
      return counts();
    },
  };
}

/**
 * Creates `object` and resolves with the milliseconds until its Secret exists (from a watch on the namespace's
 * Secrets, started before the create).
 */
export async function timeToSecret(kc: KubeConfig, object: SealedSecretObject, timeoutMs = 120_000): Promise<number> {
  const { namespace, name } = object.metadata;
  const timer = new AbortController();
  let seen: (at: number) => void = () => undefined;
  const appeared = new Promise<number>((resolve) => (seen = resolve));
  const watch = await new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/secrets`,
    { fieldSelector: `metadata.name=${name}` },
    (phase) => {
      if (phase === 'ADDED' || phase === 'MODIFIED') seen(performance.now());
    },
    () => undefined,
  );
  try {
    // Let the watch be established before the create.
    await sleep(200);
    const started = performance.now();
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'gitseal.dev',
      version: 'v1alpha1',
      plural: 'sealedsecrets',
      namespace,
      body: object,
    });
    const timeout = sleep(timeoutMs, undefined, { signal: timer.signal }).then(() => {
      throw new Error(`Secret ${namespace}/${name} did not appear within ${timeoutMs} ms`);
    });
    timeout.catch(() => undefined);
    return (await Promise.race([appeared, timeout])) - started;
  } finally {
    timer.abort();
    watch.abort();
  }
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
