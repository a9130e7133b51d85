#!/usr/bin/env node
// Notification delivery (issue 15, figures): @gitseal/notify against a real HTTP receiver on loopback.
//   - time from notify() to the request arriving at the receiver (50 events, one at a time; target ≤ 2 s)
//   - notifications sent for 100 drifts of one object spread over one minute (default 60 s dedup window; 1–2)
//   - notify() call latency while the provider is down (connection refused, retries running), next to the same
//     calls with the provider up: a provider that is down must not slow the caller (a reconcile)
// NOTIFY_BENCH_SPREAD_MS shortens the minute for a quick run. Needs `npm run build` first. Last line: JSON.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { Notifier, webhookProvider } = await import(join(root, 'packages', 'notify', 'dist', 'index.js'));
const spreadMs = Number(process.env.NOTIFY_BENCH_SPREAD_MS ?? 60_000);

function receiver() {
  const arrivals = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      arrivals.push({ at: performance.now(), body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, arrivals, url: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

const drift = (name) => ({
  kind: 'DriftCorrected',
  object: { kind: 'GitSync', namespace: 'bench', name: 'apps' },
  target: { kind: 'Deployment', namespace: 'bench', name },
  fields: ['spec.replicas'],
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const ms = (x) => Number(x.toFixed(3));

// 1. notify() → arrival.
const up = await receiver();
// The rate limit is raised here (default: 60 a minute after a burst of 10) so the figure is the delivery path's.
const fast = new Notifier({
  rateLimit: { perMinute: 60_000, burst: 100 },
  providers: [webhookProvider({ name: 'bench', url: `${up.url}/hook`, secret: 'k' })],
});
const arrival = [];
for (let i = 0; i < 50; i += 1) {
  const before = up.arrivals.length;
  const started = performance.now();
  fast.notify(drift(`latency-${i}`));
  while (up.arrivals.length === before) await sleep(1);
  arrival.push(up.arrivals[before].at - started);
  await sleep(20);
}
fast.close();
const arrivalMedian = percentile(arrival, 0.5);
const arrivalMax = Math.max(...arrival);
console.log(
  `notify() → arrival at a loopback receiver, 50 events: median ${ms(arrivalMedian)} ms, max ${ms(arrivalMax)} ms (target ≤ 2000 ms)`,
);

// 2. 100 drifts of one object over a minute.
const before = up.arrivals.length;
const dedup = new Notifier({ providers: [webhookProvider({ name: 'bench', url: `${up.url}/hook` })] });
// Drift i at start + i × spread/100 on the clock (not 100 chained sleeps, whose overshoot adds up past the minute).
const dedupStart = performance.now();
for (let i = 0; i < 100; i += 1) {
  await sleep(Math.max(0, dedupStart + (i * spreadMs) / 100 - performance.now()));
  dedup.notify(drift('web'));
}
await sleep(1500); // with the full minute, the window (60 s from the first drift) has closed on its own timer
await dedup.flush(5000); // with a shortened spread, close it now
const sent = up.arrivals.slice(before);
const counts = sent.map((a) => a.body.count);
dedup.close();
console.log(
  `notifications sent for 100 drifts of one object over ${spreadMs / 1000} s: ${sent.length} (counts ${counts.join(', ')}; target 1–2)`,
);

// 3. notify() latency, provider up vs down.
async function callLatency(url) {
  const notifier = new Notifier({
    dedupWindowMs: 0,
    queueSize: 1000,
    backoff: { baseMs: 50, maxMs: 1000 },
    providers: [webhookProvider({ name: 'bench', url, secret: 'k' })],
  });
  const latencies = [];
  for (let i = 0; i < 10_000; i += 1) {
    const started = performance.now();
    notifier.notify(drift(`load-${i}`));
    latencies.push(performance.now() - started);
    if (i % 100 === 99) await sleep(5); // let the worker and its retries run in between, as between reconciles
  }
  const stats = notifier.stats().bench;
  notifier.close();
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: Math.max(...latencies), stats };
}
const upLatency = await callLatency(`${up.url}/hook`);
up.server.close();
const down = await receiver();
const downUrl = `${down.url}/hook`;
await new Promise((resolve) => down.server.close(resolve)); // nothing listens there now: connection refused
const downLatency = await callLatency(downUrl);
console.log(
  `notify() call latency, 10,000 calls: provider up p50 ${ms(upLatency.p50)} / p99 ${ms(upLatency.p99)} / max ${ms(upLatency.max)} ms; ` +
    `provider down p50 ${ms(downLatency.p50)} / p99 ${ms(downLatency.p99)} / max ${ms(downLatency.max)} ms ` +
    `(while down: ${downLatency.stats.retried} retries, ${downLatency.stats.dropped} dropped from the 1,000-slot queue)`,
);
console.log(
  JSON.stringify({
    arrivalMedianMs: ms(arrivalMedian),
    arrivalMaxMs: ms(arrivalMax),
    dedupSpreadMs: spreadMs,
    dedupSent: sent.length,
    dedupCounts: counts,
    notifyUpP99Ms: ms(upLatency.p99),
    notifyDownP50Ms: ms(downLatency.p50),
    notifyDownP99Ms: ms(downLatency.p99),
    notifyDownMaxMs: ms(downLatency.max),
    downRetries: downLatency.stats.retried,
    downDropped: downLatency.stats.dropped,
  }),
);
process.exit(arrivalMax <= 2000 && sent.length >= 1 && sent.length <= 2 ? 0 : 1);
