import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommitStatusProviderOptions } from './commit-status-options.js';
import { commitStatusProvider } from './commit-status-provider.js';
import { DeliveryError } from './delivery-error.js';
import type { NotifyEvent } from './event.js';
import { githubApiBase } from './github-status.js';
import type { Notification } from './notification.js';
import { Notifier } from './notifier.js';
import { startRecordingServer, type RecordingServer } from './recording-server.js';

const SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const TOKEN = 'tok-PLAINTEXT-MARKER-5e1c';
const LINK = 'https://gitseal.example/ui/gitsyncs/team-a/apps';
const gitSync = { kind: 'GitSync', namespace: 'team-a', name: 'apps' };
const revision = `main@sha1:${SHA}`;
const at = new Date('2026-12-06T10:00:00.000Z');
const note = (event: NotifyEvent, link: string | null = LINK): Notification => ({
  event,
  count: 1,
  firstSeen: at,
  lastSeen: at,
  ...(link ? { link } : {}),
});
const started = note({ kind: 'SyncStarted', object: gitSync, revision });
const succeeded = note({ kind: 'SyncSucceeded', object: gitSync, revision, changed: 3, unchanged: 10, pruned: 0 });
const failed = note({ kind: 'SyncFailed', object: gitSync, revision, reason: 'ApplyFailed', message: 'x' }, null);

async function withServer(t: { after: (fn: () => Promise<void>) => void }): Promise<RecordingServer> {
  const server = await startRecordingServer();
  t.after(() => server.close());
  return server;
}

function provider(server: RecordingServer, change: Partial<CommitStatusProviderOptions>) {
  return commitStatusProvider({
    name: 'team-a/status',
    type: 'github',
    address: server.url,
    repository: 'acme/deploy',
    token: TOKEN,
    ...change,
  });
}

test('GitHub: the public API base; Enterprise under <base>/api/v3 with the documented headers and body', async (t) => {
  assert.equal(githubApiBase('https://github.com'), 'https://api.github.com');
  assert.equal(githubApiBase('https://github.com/'), 'https://api.github.com');
  assert.equal(githubApiBase('https://ghe.example.com/'), 'https://ghe.example.com/api/v3');
  assert.equal(githubApiBase('https://ghe.example.com/prefix/'), 'https://ghe.example.com/prefix/api/v3');
  const server = await withServer(t);
  const github = provider(server, { type: 'github', address: `${server.url}/ghe/` });
  assert.equal(github.type, 'github');
  await github.send(started);
  await github.send(succeeded);
  await github.send(failed);
  assert.equal(server.requests.length, 3);
  for (const request of server.requests) {
    assert.equal(request.method, 'POST');
    assert.equal(request.path, `/ghe/api/v3/repos/acme/deploy/statuses/${SHA}`);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers.accept, 'application/vnd.github+json');
    assert.equal(request.headers['x-github-api-version'], '2022-11-28');
    assert.equal(request.headers['content-type'], 'application/json');
  }
  assert.deepEqual(
    server.requests.map((r) => JSON.parse(r.body)),
    [
      { state: 'pending', target_url: LINK, description: 'Syncing', context: 'gitseal/team-a/apps' },
      {
        state: 'success',
        target_url: LINK,
        description: 'Applied: 3 changed, 10 unchanged, 0 pruned',
        context: 'gitseal/team-a/apps',
      },
      { state: 'failure', description: 'Failed: ApplyFailed', context: 'gitseal/team-a/apps' },
    ],
  );
});

test('GitLab: /api/v4/projects/<encoded group/subgroup path>/statuses/<sha>, PRIVATE-TOKEN, failed, name', async (t) => {
  const server = await withServer(t);
  const gitlab = provider(server, { type: 'gitlab', repository: 'platform/team-a/deploy.git-ops' });
  await gitlab.send(started);
  await gitlab.send(failed);
  const [pending, failure] = server.requests;
  assert.equal(pending?.method, 'POST');
  assert.equal(pending?.path, `/api/v4/projects/platform%2Fteam-a%2Fdeploy.git-ops/statuses/${SHA}`);
  assert.equal(pending?.headers['private-token'], TOKEN);
  assert.equal(pending?.headers.authorization, undefined);
  assert.deepEqual(JSON.parse(pending?.body ?? ''), {
    state: 'pending',
    name: 'gitseal/team-a/apps',
    target_url: LINK,
    description: 'Syncing',
  });
  assert.deepEqual(JSON.parse(failure?.body ?? ''), {
    state: 'failed',
    name: 'gitseal/team-a/apps',
    description: 'Failed: ApplyFailed',
  });
});

test('Gitea: /api/v1/repos/<owner>/<repo>/statuses/<sha> with `Authorization: token`', async (t) => {
  const server = await withServer(t);
  const gitea = provider(server, { type: 'gitea', address: `${server.url}/git` });
  await gitea.send(succeeded);
  const [request] = server.requests;
  assert.equal(request?.method, 'POST');
  assert.equal(request?.path, `/git/api/v1/repos/acme/deploy/statuses/${SHA}`);
  assert.equal(request?.headers.authorization, `token ${TOKEN}`);
  assert.deepEqual(JSON.parse(request?.body ?? ''), {
    state: 'success',
    target_url: LINK,
    description: 'Applied: 3 changed, 10 unchanged, 0 pruned',
    context: 'gitseal/team-a/apps',
  });
});

test('other kinds and revisions without a commit resolve at once, without a request', async (t) => {
  const server = await withServer(t);
  for (const type of ['github', 'gitlab', 'gitea'] as const) {
    const forge = provider(server, { type });
    await forge.send(note({ kind: 'DriftCorrected', object: gitSync, revision, target: gitSync, fields: ['x'] }));
    await forge.send(note({ kind: 'KeyRotated', object: gitSync, revision, keyId: 'k' }));
    await forge.send(note({ kind: 'SyncStarted', object: gitSync, revision: `1.4.0@sha256:${'a'.repeat(64)}` }));
    await forge.send(note({ kind: 'SyncSucceeded', object: gitSync, changed: 0, unchanged: 0, pruned: 0 }));
  }
  assert.equal(server.requests.length, 0);
});

test("GitLab's 400 for a repeated transition counts as delivered; another 400 does not", async (t) => {
  const server = await withServer(t);
  const gitlab = provider(server, { type: 'gitlab' });
  server.answer = () => ({
    status: 400,
    body: JSON.stringify({ message: 'Cannot transition status via :enqueue from :pending (Reason(s): ...)' }),
  });
  await gitlab.send(started);
  server.answer = () => ({ status: 400, body: JSON.stringify({ message: { state: ['is invalid'] } }) });
  await assert.rejects(gitlab.send(started), (error: DeliveryError) => error.retryable === false);
  const github = provider(server, { type: 'github' });
  server.answer = () => ({ status: 400, body: '{"message":"Cannot transition status via"}' });
  await assert.rejects(github.send(started), DeliveryError, 'only GitLab reads a refusal as done');
});

test('401 and 404 are permanent, 502/429/408 retryable; errors name the provider, never the token', async (t) => {
  const server = await withServer(t);
  for (const type of ['github', 'gitlab', 'gitea'] as const) {
    const forge = provider(server, { type });
    for (const [status, retryable] of [
      [401, false],
      [404, false],
      [422, false],
      [502, true],
      [429, true],
      [408, true],
    ] as const) {
      server.answer = () => ({ status, body: JSON.stringify({ message: `bad token ${TOKEN}` }) });
      await assert.rejects(forge.send(succeeded), (error: DeliveryError) => {
        assert.ok(error instanceof DeliveryError);
        assert.equal(error.retryable, retryable, `${type} ${status}`);
        assert.equal(error.message, `provider team-a/status: HTTP ${status}`);
        return true;
      });
    }
  }
});

test("GitHub's rate-limit 403 is retried; a plain 403 (no access) is not, nor on the other forges", async (t) => {
  const server = await withServer(t);
  const refused = (forge: ReturnType<typeof provider>) =>
    forge.send(succeeded).then(
      () => 'delivered',
      (error: DeliveryError) => (error.retryable ? 'retry' : 'permanent'),
    );
  const github = provider(server, { type: 'github' });
  server.answer = () => ({ status: 403, headers: { 'x-ratelimit-remaining': '0' } });
  assert.equal(await refused(github), 'retry');
  server.answer = () => ({ status: 403, headers: { 'retry-after': '60' } });
  assert.equal(await refused(github), 'retry');
  server.answer = () => ({ status: 403, headers: { 'x-ratelimit-remaining': '4999' } });
  assert.equal(await refused(github), 'permanent');
  server.answer = () => ({ status: 403, headers: { 'retry-after': '60' } });
  assert.equal(await refused(provider(server, { type: 'gitea' })), 'permanent');
});

test('through a Notifier: a 502 is retried, then delivered; a 401 fails at once, counted', async (t) => {
  const server = await withServer(t);
  let answers = [502, 502, 201];
  server.answer = () => ({ status: answers.shift() ?? 201 });
  const lines: string[] = [];
  const record = (fields: Record<string, unknown>, msg: string) => void lines.push(JSON.stringify({ ...fields, msg }));
  const notifier = new Notifier({
    providers: [provider(server, { type: 'gitea' })],
    backoff: { baseMs: 5, maxMs: 20, jitter: 0 },
    logger: { warn: record, debug: record },
  });
  t.after(() => notifier.close());
  notifier.notify(succeeded.event);
  assert.equal(await notifier.flush(5000), true);
  assert.equal(server.requests.length, 3);
  assert.deepEqual(notifier.stats()['team-a/status'], {
    sent: 1,
    failed: 0,
    dropped: 0,
    deduplicated: 0,
    retried: 2,
    queued: 0,
  });
  answers = [401];
  notifier.notify(failed.event);
  assert.equal(await notifier.flush(5000), true);
  assert.equal(server.requests.length, 4, 'a 401 is not retried');
  assert.equal(notifier.stats()['team-a/status']?.failed, 1);
  assert.ok(lines.length > 0);
  for (const line of lines) assert.ok(!line.includes(TOKEN), `token in a log line: ${line}`);
});
