// Commit statuses on a real forge: a real Gitea on loopback, a commit pushed with git, SyncStarted / SyncSucceeded /
// SyncFailed delivered through a real Notifier with the Gitea commit-status provider, and the statuses read back
// through Gitea's own API. A wrong token and a missing repository fail for good, counted, and set nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitStatusProvider, Notifier, type NotifyEvent } from '@gitseal/notify';
import { commitFiles, pushMain, startGitea, waitPushRecorded, type RunningGitea } from '../support/gitea-server.js';
import { recordingLogger } from '../support/recording-logger.js';

const WRONG_TOKEN = 'wrong-token-PLAINTEXT-MARKER-31c9';
const LINK = 'http://127.0.0.1:8080/ui/gitsyncs/{namespace}/{name}';
const gitSync = { kind: 'GitSync', namespace: 'team-a', name: 'apps' };

interface GiteaStatus {
  id: number;
  status: string;
  context: string;
  description: string;
  target_url: string;
}
interface CombinedStatus {
  state: string;
  sha: string;
  total_count: number;
  statuses: GiteaStatus[];
}

/** Two commits on main, pushed with the token; resolves once Gitea has recorded the push. */
async function pushTwoCommits(gitea: RunningGitea, work: string): Promise<[string, string]> {
  const shas: string[] = [];
  for (const name of ['one', 'two']) {
    shas.push(
      await commitFiles(
        work,
        { [`${name}.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n` },
        name,
      ),
    );
  }
  await pushMain(gitea, work);
  await waitPushRecorded(gitea);
  return [shas[0] ?? '', shas[1] ?? ''];
}

test('Gitea shows pending then success per commit and GitSync; a wrong token or repository sets nothing', async (t) => {
  const gitea = await startGitea();
  t.after(() => gitea.stop());
  const work = mkdtempSync(join(tmpdir(), 'gitseal-status-clone-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const [first, second] = await pushTwoCommits(gitea, work);
  const repoPath = `/repos/${gitea.owner}/${gitea.repo}`;

  const logger = recordingLogger();
  const base = { type: 'gitea', address: `${gitea.url}/` } as const;
  const notifier = new Notifier({
    linkPattern: LINK,
    logger,
    backoff: { baseMs: 50, maxMs: 500, jitter: 0 },
    providers: [
      commitStatusProvider({
        ...base,
        name: 'team-a/gitea',
        repository: `${gitea.owner}/${gitea.repo}`,
        token: gitea.token,
      }),
      commitStatusProvider({
        ...base,
        name: 'team-a/wrong-token',
        repository: `${gitea.owner}/${gitea.repo}`,
        token: WRONG_TOKEN,
      }),
      commitStatusProvider({
        ...base,
        name: 'team-a/no-repo',
        repository: `${gitea.owner}/missing`,
        token: gitea.token,
      }),
    ],
  });
  t.after(() => notifier.close());
  const statuses = async (sha: string): Promise<GiteaStatus[]> => {
    const listed = await gitea.api('GET', `${repoPath}/commits/${sha}/statuses`);
    assert.equal(listed.status, 200, listed.text.slice(0, 200));
    return (listed.json as GiteaStatus[]).slice().sort((a, b) => a.id - b.id);
  };
  const combined = async (sha: string): Promise<CombinedStatus> => {
    const read = await gitea.api('GET', `${repoPath}/commits/${sha}/status`);
    assert.equal(read.status, 200, read.text.slice(0, 200));
    return read.json as CombinedStatus;
  };
  const link = 'http://127.0.0.1:8080/ui/gitsyncs/team-a/apps';

  notifier.notify({ kind: 'SyncStarted', object: gitSync, revision: `main@sha1:${first}` });
  assert.equal(await notifier.flush(15_000), true);
  assert.deepEqual(
    (await statuses(first)).map((s) => [s.status, s.context, s.description, s.target_url]),
    [['pending', 'gitseal/team-a/apps', 'Syncing', link]],
  );
  assert.equal((await combined(first)).state, 'pending');

  const succeeded: NotifyEvent = {
    kind: 'SyncSucceeded',
    object: gitSync,
    revision: `main@sha1:${first}`,
    changed: 3,
    unchanged: 10,
    pruned: 0,
  };
  const sent = performance.now();
  notifier.notify(succeeded);
  for (const deadline = Date.now() + 15_000; (await combined(first)).state !== 'success';) {
    assert.ok(Date.now() < deadline, 'no success status after 15 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const readable = performance.now() - sent;
  console.log(`figure: Notifier.notify(SyncSucceeded) → success readable in Gitea: ${readable.toFixed(0)} ms`);
  assert.equal(await notifier.flush(15_000), true);
  assert.deepEqual(
    (await statuses(first)).map((s) => [s.status, s.context, s.description, s.target_url]),
    [
      ['pending', 'gitseal/team-a/apps', 'Syncing', link],
      ['success', 'gitseal/team-a/apps', 'Applied: 3 changed, 10 unchanged, 0 pruned', link],
    ],
    'pending first, then success: the newest wins',
  );
  const done = await combined(first);
  assert.equal(done.sha, first);
  assert.equal(done.state, 'success');
  assert.equal(done.total_count, 1, 'one context for the GitSync');

  notifier.notify({ kind: 'SyncStarted', object: gitSync, revision: `main@sha1:${second}` });
  notifier.notify({
    kind: 'SyncFailed',
    object: gitSync,
    revision: `main@sha1:${second}`,
    reason: 'ApplyFailed',
    message: `admission webhook denied: token=${WRONG_TOKEN}`,
  });
  // Not a commit: ignored without a request.
  notifier.notify({ kind: 'SyncStarted', object: gitSync, revision: `1.4.0@sha256:${'a'.repeat(64)}` });
  assert.equal(await notifier.flush(15_000), true);
  const failure = await combined(second);
  assert.equal(failure.state, 'failure');
  assert.deepEqual(
    failure.statuses.map((s) => [s.status, s.context, s.description, s.target_url]),
    [['failure', 'gitseal/team-a/apps', 'Failed: ApplyFailed', link]],
  );
  assert.equal((await combined(first)).state, 'success', 'the other commit keeps its status');

  const stats = notifier.stats();
  // Queued together, the pending for `second` was overtaken by its failure and never sent.
  assert.deepEqual(stats['team-a/gitea'], { sent: 4, failed: 0, dropped: 1, deduplicated: 0, retried: 0, queued: 0 });
  for (const name of ['team-a/wrong-token', 'team-a/no-repo']) {
    const bad = stats[name];
    assert.equal(bad?.sent, 1, `${name}: only the ignored chart revision resolved`);
    assert.equal(bad?.failed, 3, `${name}: 401/404 fail for good`);
    assert.equal(bad?.retried, 0, `${name}: a 401/404 is never retried`);
  }
  const missing = await gitea.api('GET', `/repos/${gitea.owner}/missing`);
  assert.equal(missing.status, 404, 'the missing repository was not created by a status');
  const all = [...(await statuses(first)), ...(await statuses(second))];
  assert.equal(all.length, 3, 'the wrong token set no status');

  const failures = logger.lines.filter((line) => line.includes('notification not delivered'));
  assert.ok(failures.some((line) => line.includes('team-a/wrong-token') && line.includes('HTTP 401')));
  assert.ok(failures.some((line) => line.includes('team-a/no-repo') && line.includes('HTTP 404')));
  for (const line of logger.lines) {
    assert.ok(!line.includes(gitea.token), `the token in a log line: ${line}`);
    assert.ok(!line.includes(WRONG_TOKEN), `the wrong token in a log line: ${line}`);
  }
  for (const status of all) assert.ok(!JSON.stringify(status).includes(WRONG_TOKEN), 'no message on the forge');
});
