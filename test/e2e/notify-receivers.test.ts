// The notification delivery core against real HTTP receivers on loopback: the exact JSON each provider sends,
// a valid HMAC, retries while a receiver is down (and what that costs the caller), deduplication, a full queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildSlackPayload,
  buildTeamsPayload,
  buildWebhookPayload,
  Notifier,
  slackProvider,
  teamsProvider,
  verifySignature,
  webhookProvider,
  type DriftCorrectedEvent,
  type NotifyEvent,
} from '@gitseal/notify';
import { startLoopbackReceiver, type LoopbackReceiver } from '../support/loopback-receiver.js';
import { recordingLogger } from '../support/recording-logger.js';
import { findFreePort } from '../cluster/free-port.js';

// Plaintext markers: the HMAC key and the tokens in the webhook URLs. None may appear in any payload, header
// (other than the request path the receiver was given) or log line.
const HMAC_SECRET = 'hmac-secret-PLAINTEXT-MARKER-7d1f';
const URL_TOKEN = 'url-token-PLAINTEXT-MARKER-9a2c';
const MARKERS = [HMAC_SECRET, URL_TOKEN];

const link = 'https://gitseal.example/ui/gitsyncs/{namespace}/{name}';

function drift(name = 'web', at?: Date): DriftCorrectedEvent {
  return {
    kind: 'DriftCorrected',
    object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
    revision: 'main@sha1:4b825dc642cb6eb9a060e54bf8d69288fbee4904',
    target: { kind: 'Deployment', namespace: 'team-a', name },
    fields: ['spec.replicas'],
    ...(at ? { at } : {}),
  };
}

function assertNoMarkers(where: string, texts: readonly string[]): void {
  for (const text of texts) {
    for (const marker of MARKERS) assert.ok(!text.includes(marker), `${where} contains a plaintext marker: ${text}`);
  }
}

/** Everything a receiver got except the path it was addressed by: bodies and headers. */
function captured(receiver: LoopbackReceiver): string[] {
  return receiver.requests.flatMap((r) => [r.body, JSON.stringify(r.headers)]);
}

test('webhook, Slack and Teams receivers get the documented JSON; the webhook body carries a valid HMAC', async (t) => {
  const receiver = await startLoopbackReceiver();
  t.after(() => receiver.close());
  const logger = recordingLogger();
  const notifier = new Notifier({
    linkPattern: link,
    logger,
    providers: [
      webhookProvider({ name: 'team-a/hook', url: `${receiver.url}/hook/${URL_TOKEN}`, secret: HMAC_SECRET }),
      slackProvider({ name: 'team-a/slack', url: `${receiver.url}/services/T0/B0/${URL_TOKEN}` }),
      teamsProvider({ name: 'team-a/teams', url: `${receiver.url}/workflows/run?sig=${URL_TOKEN}` }),
    ],
  });
  t.after(() => notifier.close());
  const at = new Date('2026-12-06T12:00:00.000Z');
  const events: NotifyEvent[] = [
    drift('web', at),
    {
      kind: 'SyncSucceeded',
      object: { kind: 'GitSync', namespace: 'team-a', name: 'apps' },
      revision: 'r2',
      changed: 3,
      unchanged: 10,
      pruned: 1,
      at,
    },
    {
      kind: 'UnsealFailed',
      object: { kind: 'SealedSecret', namespace: 'team-a', name: 'db' },
      reason: 'NoMatchingKey',
      at,
    },
  ];
  for (const event of events) notifier.notify(event);
  const requests = await receiver.waitFor(9);
  assert.equal(await notifier.flush(5000), true);

  for (const event of events) {
    const notification = {
      event,
      count: 1,
      firstSeen: at,
      lastSeen: at,
      link: `https://gitseal.example/ui/gitsyncs/team-a/${event.object.name}`,
    };
    const of = (prefix: string) =>
      requests.filter(
        (r) => r.path.startsWith(prefix) && JSON.stringify(JSON.parse(r.body)).includes(`"${event.kind}`),
      );
    const [hook] = of('/hook/');
    assert.ok(hook, `webhook got ${event.kind}`);
    assert.equal(hook.method, 'POST');
    assert.equal(hook.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(hook.body), buildWebhookPayload(notification));
    assert.equal(verifySignature(hook.body, HMAC_SECRET, hook.headers['x-gitseal-signature-256'] as string), true);
    assert.match(String(hook.headers['x-gitseal-signature-256']), /^sha256=[0-9a-f]{64}$/);

    const slack = requests.find((r) => r.path.startsWith('/services/') && r.body.includes(`${event.kind}:`));
    assert.ok(slack, `slack got ${event.kind}`);
    assert.deepEqual(JSON.parse(slack.body), buildSlackPayload(notification));
    assert.equal(slack.headers['x-gitseal-signature-256'], undefined);

    const teams = requests.find((r) => r.path.startsWith('/workflows/') && r.body.includes(`${event.kind}:`));
    assert.ok(teams, `teams got ${event.kind}`);
    const card = JSON.parse(teams.body);
    assert.deepEqual(card, buildTeamsPayload(notification));
    assert.equal(card.type, 'message');
    assert.equal(card.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
  }
  // The literal webhook body for one event, field by field (the builders' own shapes are unit-tested).
  const unseal = requests.find((r) => r.path.startsWith('/hook/') && r.body.includes('UnsealFailed'));
  assert.deepEqual(JSON.parse(unseal?.body ?? '{}'), {
    apiVersion: 'notify.gitseal.dev/v1',
    kind: 'UnsealFailed',
    severity: 'error',
    title: 'UnsealFailed: SealedSecret team-a/db',
    summary: 'cannot unseal (NoMatchingKey)',
    object: { kind: 'SealedSecret', namespace: 'team-a', name: 'db' },
    count: 1,
    firstSeen: '2026-12-06T12:00:00.000Z',
    lastSeen: '2026-12-06T12:00:00.000Z',
    link: 'https://gitseal.example/ui/gitsyncs/team-a/db',
    event: {
      kind: 'UnsealFailed',
      object: { kind: 'SealedSecret', namespace: 'team-a', name: 'db' },
      reason: 'NoMatchingKey',
    },
  });
  assert.deepEqual(notifier.stats()['team-a/hook'], {
    sent: 3,
    failed: 0,
    dropped: 0,
    deduplicated: 0,
    retried: 0,
    queued: 0,
  });
  assertNoMarkers('payload', captured(receiver));
  assertNoMarkers('log', logger.lines);
});

test('a receiver that is down: notify() stays fast, delivery retries with backoff and arrives once it is up', async (t) => {
  const port = await findFreePort();
  const logger = recordingLogger();
  const failed: string[] = [];
  const retried: string[] = [];
  const notifier = new Notifier({
    logger,
    dedupWindowMs: 0,
    queueSize: 10_000,
    rateLimit: { perMinute: 60_000, burst: 1000 },
    maxAttempts: 50,
    backoff: { baseMs: 50, maxMs: 400 },
    metrics: { failed: (p) => failed.push(p), retried: (p) => retried.push(p) },
    providers: [
      webhookProvider({ name: 'team-a/down', url: `http://127.0.0.1:${port}/hook/${URL_TOKEN}`, secret: HMAC_SECRET }),
    ],
  });
  t.after(() => notifier.close());

  // 2000 distinct events while nothing listens: the per-call latency is what a reconcile would pay.
  const latencies: number[] = [];
  for (let i = 0; i < 2000; i += 1) {
    const started = performance.now();
    notifier.notify(drift(`web-${i}`));
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? Infinity;
  const max = latencies.at(-1) ?? Infinity;
  t.diagnostic(`notify() while the receiver is down: p99 ${p99.toFixed(3)} ms, max ${max.toFixed(3)} ms`);
  assert.ok(p99 < 1, `p99 notify() latency ${p99} ms`);
  assert.ok(max < 50, `max notify() latency ${max} ms`);

  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.ok(retried.length >= 3, `retried ${retried.length} times while down`);
  assert.equal(failed.length, 0);

  const receiver = await startLoopbackReceiver(port);
  t.after(() => receiver.close());
  const [first] = await receiver.waitFor(1, 5000);
  assert.ok(first?.body.includes('"web-0"'), 'the first queued notification arrives first');
  assert.equal(await notifier.flush(20_000), true);
  const names = new Set(receiver.requests.map((r) => JSON.parse(r.body).event.target.name));
  assert.equal(names.size, 2000, 'every notification arrived (at least once)');
  assert.equal(notifier.stats()['team-a/down']?.sent, 2000);
  assertNoMarkers('payload', captured(receiver));
  assertNoMarkers('log', logger.lines);
  assert.ok(
    logger.lines.some((l) => l.includes('connection failed (ECONNREFUSED)')),
    'the failure is logged by code',
  );
  assert.ok(
    logger.lines.every((l) => !l.includes(`127.0.0.1:${port}`)),
    'the URL is never logged',
  );
});

test('a 5xx is retried, a 4xx is not (it would only be refused again)', async (t) => {
  const receiver = await startLoopbackReceiver();
  t.after(() => receiver.close());
  let answers = [503, 500, 200];
  receiver.answer = (r) => (r.path.startsWith('/bad') ? 400 : (answers.shift() ?? 200));
  const notifier = new Notifier({
    dedupWindowMs: 0,
    backoff: { baseMs: 20, maxMs: 100 },
    providers: [
      slackProvider({ name: 'flaky', url: `${receiver.url}/flaky/${URL_TOKEN}` }),
      slackProvider({ name: 'bad', url: `${receiver.url}/bad/${URL_TOKEN}` }),
    ],
  });
  t.after(() => notifier.close());
  notifier.notify(drift());
  assert.equal(await notifier.flush(5000), true);
  const stats = notifier.stats();
  assert.deepEqual(stats.flaky, { sent: 1, failed: 0, dropped: 0, deduplicated: 0, retried: 2, queued: 0 });
  assert.deepEqual(stats.bad, { sent: 0, failed: 1, dropped: 0, deduplicated: 0, retried: 0, queued: 0 });
  answers = [];
  assert.equal(receiver.requests.filter((r) => r.path.startsWith('/flaky')).length, 3);
  assert.equal(receiver.requests.filter((r) => r.path.startsWith('/bad')).length, 1);
});

test('100 repeats of one drift within a minute give 2 notifications, the second with the count', async (t) => {
  const receiver = await startLoopbackReceiver();
  t.after(() => receiver.close());
  const deduplicated: string[] = [];
  const notifier = new Notifier({
    dedupWindowMs: 3000,
    metrics: { deduplicated: (p) => deduplicated.push(p) },
    providers: [webhookProvider({ name: 'hook', url: `${receiver.url}/hook`, secret: HMAC_SECRET })],
  });
  t.after(() => notifier.close());
  for (let i = 0; i < 100; i += 1) {
    notifier.notify(drift());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // The window closes on its own timer (no flush): the folded repeats arrive as one notification.
  const requests = await receiver.waitFor(2, 6000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(receiver.requests.length, 2);
  const bodies = requests.map((r) => JSON.parse(r.body));
  assert.deepEqual(
    bodies.map((b) => b.count),
    [1, 99],
  );
  assert.equal(bodies[1].event.target.name, 'web');
  assert.equal(deduplicated.length, 99);
  assert.equal(notifier.stats().hook?.deduplicated, 99);
});

test('a full queue drops the oldest waiting notifications and counts them; the rate limit spaces sends', async (t) => {
  const receiver = await startLoopbackReceiver();
  t.after(() => receiver.close());
  receiver.answer = () => 'hold';
  const dropped: string[] = [];
  const notifier = new Notifier({
    dedupWindowMs: 0,
    queueSize: 5,
    rateLimit: { perMinute: 600, burst: 3 },
    metrics: { dropped: (p) => dropped.push(p) },
    providers: [webhookProvider({ name: 'slow', url: `${receiver.url}/hook` })],
  });
  t.after(() => notifier.close());
  notifier.notify(drift('n-0'));
  await receiver.waitFor(1); // n-0 is in flight, held by the receiver
  for (let i = 1; i < 20; i += 1) notifier.notify(drift(`n-${i}`));
  assert.equal(dropped.length, 14);
  assert.deepEqual(notifier.stats().slow, { sent: 0, failed: 0, dropped: 14, deduplicated: 0, retried: 0, queued: 5 });
  receiver.answer = () => 200;
  receiver.release();
  assert.equal(await notifier.flush(10_000), true);
  const names = receiver.requests.map((r) => JSON.parse(r.body).event.target.name);
  assert.deepEqual(names, ['n-0', 'n-15', 'n-16', 'n-17', 'n-18', 'n-19']);
  // 3 tokens of burst, then one per 100 ms: the last of the five after n-0 goes ≥ 250 ms after the first.
  const times = receiver.requests.map((r) => r.at);
  assert.ok(
    (times.at(-1) ?? 0) - (times[1] ?? 0) >= 250,
    `sends spaced: ${times.map((x) => Math.round(x - (times[0] ?? 0)))}`,
  );
  assert.equal(notifier.stats().slow?.sent, 6);
});
