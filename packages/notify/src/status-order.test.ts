// A commit status is "newest wins" on the forge: the channel must never let an older state land after a newer one
// for the same commit and context, whether the older one is retrying, queued, or released late by deduplication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitStatusProvider } from './commit-status-provider.js';
import type { NotifyEvent } from './event.js';
import { Notifier, type NotifierOptions } from './notifier.js';
import { startRecordingServer, type RecordingServer } from './recording-server.js';

const SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const OTHER = 'f'.repeat(40);
const gitSync = { kind: 'GitSync', namespace: 'team-a', name: 'apps' };
const startedAt = (sha: string, at?: Date): NotifyEvent => ({
  kind: 'SyncStarted',
  object: gitSync,
  revision: `main@sha1:${sha}`,
  ...(at ? { at } : {}),
});
const succeededAt = (sha: string, at?: Date): NotifyEvent => ({
  kind: 'SyncSucceeded',
  object: gitSync,
  revision: `main@sha1:${sha}`,
  changed: 1,
  unchanged: 0,
  pruned: 0,
  ...(at ? { at } : {}),
});
const failedAt = (sha: string): NotifyEvent => ({
  kind: 'SyncFailed',
  object: gitSync,
  revision: `main@sha1:${sha}`,
  reason: 'ApplyFailed',
});

async function setup(
  t: { after: (fn: () => unknown) => void },
  options: Partial<NotifierOptions> = {},
): Promise<{ server: RecordingServer; notifier: Notifier; states: () => string[] }> {
  const server = await startRecordingServer();
  t.after(() => server.close());
  const provider = commitStatusProvider({
    name: 'team-a/gitea',
    type: 'gitea',
    address: server.url,
    repository: 'acme/deploy',
    token: 'tok',
  });
  const notifier = new Notifier({ providers: [provider], backoff: { baseMs: 5, maxMs: 20, jitter: 0 }, ...options });
  t.after(() => notifier.close());
  const states = () =>
    server.requests.map((r) => `${(JSON.parse(r.body) as { state: string }).state} ${r.path.slice(-40, -36)}`);
  return { server, notifier, states };
}

test('a pending retrying in backoff is dropped at once when the success for its commit arrives', async (t) => {
  const { server, notifier, states } = await setup(t, { backoff: { baseMs: 20_000, maxMs: 20_000, jitter: 0 } });
  server.answer = (request) => ({ status: request.body.includes('"pending"') ? 502 : 201 });
  notifier.notify(startedAt(SHA));
  while (notifier.stats()['team-a/gitea']?.retried !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const woke = performance.now();
  notifier.notify(succeededAt(SHA)); // while the pending waits out its backoff
  assert.equal(await notifier.flush(5000), true);
  assert.ok(performance.now() - woke < 2000, 'the superseded retry did not wait out its 20 s backoff');
  assert.deepEqual(states(), ['pending 4b82', 'success 4b82']);
  const stats = notifier.stats()['team-a/gitea'];
  assert.equal(stats?.sent, 1);
  assert.equal(stats?.dropped, 1, 'the superseded pending is counted as dropped');
  assert.equal(stats?.failed, 0);
});

test('a pending whose attempt is in flight when its success arrives is not retried after it', async (t) => {
  const { server, notifier, states } = await setup(t, { backoff: { baseMs: 20_000, maxMs: 20_000, jitter: 0 } });
  server.answer = (request) => {
    if (!request.body.includes('"pending"')) return { status: 201 };
    notifier.notify(succeededAt(SHA)); // arrives before the pending's 502 does
    return { status: 502 };
  };
  notifier.notify(startedAt(SHA));
  while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const woke = performance.now();
  assert.equal(await notifier.flush(5000), true);
  assert.ok(performance.now() - woke < 2000, 'the superseded retry did not wait out its 20 s backoff');
  assert.deepEqual(states(), ['pending 4b82', 'success 4b82']);
  const stats = notifier.stats()['team-a/gitea'];
  assert.equal(stats?.sent, 1);
  assert.equal(stats?.dropped, 1, 'the superseded pending is counted as dropped');
  assert.equal(stats?.failed, 0);
});

test('a queued pending behind the rate limit is never sent after its success; other commits are untouched', async (t) => {
  const { notifier, states } = await setup(t, { rateLimit: { perMinute: 600, burst: 1 } });
  notifier.notify(startedAt(OTHER));
  notifier.notify(startedAt(SHA));
  notifier.notify(succeededAt(SHA));
  assert.equal(await notifier.flush(5000), true);
  assert.deepEqual(states(), ['pending ffff', 'success 4b82']);
});

test('a repeated SyncStarted folded by deduplication is not released after the success', async (t) => {
  const { notifier, states } = await setup(t, { dedupWindowMs: 60_000 });
  notifier.notify(startedAt(SHA));
  await notifier.flush(5000);
  notifier.notify(failedAt(SHA));
  await notifier.flush(5000);
  notifier.notify(startedAt(SHA)); // the retry of the same revision: folded into the first window
  notifier.notify(succeededAt(SHA));
  assert.equal(await notifier.flush(5000), true); // closes the window: the folded pending comes out now
  assert.deepEqual(states(), ['pending 4b82', 'failure 4b82', 'success 4b82']);
  assert.equal(notifier.stats()['team-a/gitea']?.dropped, 1);
});

test('a later sync of the same commit (a rollback to it) sets pending again', async (t) => {
  const { notifier, states } = await setup(t, { dedupWindowMs: 0 });
  for (const event of [
    succeededAt(SHA, new Date(1_000)),
    startedAt(SHA, new Date(2_000)),
    succeededAt(SHA, new Date(3_000)),
  ]) {
    notifier.notify(event);
    assert.equal(await notifier.flush(5000), true);
  }
  assert.deepEqual(states(), ['success 4b82', 'pending 4b82', 'success 4b82']);
  // Queued together, only the newest goes: the forge keeps only the newest per context anyway.
  notifier.notify(startedAt(SHA, new Date(4_000)));
  notifier.notify(succeededAt(SHA, new Date(5_000)));
  assert.equal(await notifier.flush(5000), true);
  assert.deepEqual(states(), ['success 4b82', 'pending 4b82', 'success 4b82', 'success 4b82']);
  assert.equal(notifier.stats()['team-a/gitea']?.dropped, 1);
});
