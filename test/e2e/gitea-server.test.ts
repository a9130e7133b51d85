// A real forge: Gitea (built from the Go module proxy) on loopback takes a push over HTTP with a token, stores a
// commit status posted through its API, and delivers a signed push webhook to a loopback receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitFiles, pushMain, startGitea, waitPushRecorded } from '../support/gitea-server.js';
import { startLoopbackReceiver } from '../support/loopback-receiver.js';
import { runCommand } from '../support/run-command.js';

const NO_PROMPT = { ...process.env, GIT_TERMINAL_PROMPT: '0' };

interface CombinedStatus {
  state: string;
  sha: string;
  total_count: number;
  statuses: { status: string; context: string; description: string; target_url: string }[];
}

test('Gitea takes a token push over HTTP, reads back a commit status and signs its push webhook', async (t) => {
  const started = performance.now();
  const gitea = await startGitea();
  t.after(() => gitea.stop());
  t.diagnostic(`gitea ready with user, token and repository in ${Math.round(performance.now() - started)} ms`);
  const receiver = await startLoopbackReceiver();
  t.after(() => receiver.close());
  const secret = randomBytes(16).toString('hex');

  const hook = await gitea.api('POST', `/repos/${gitea.owner}/${gitea.repo}/hooks`, {
    type: 'gitea',
    active: true,
    events: ['push'],
    config: { url: `${receiver.url}/hooks/team-a/apps`, content_type: 'json', secret },
  });
  assert.equal(hook.status, 201, JSON.stringify(hook.json));

  const work = mkdtempSync(join(tmpdir(), 'gitseal-gitea-clone-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const sha = await commitFiles(
    work,
    { 'configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n' },
    'one',
  );

  const anonymous = await runCommand('git', ['-C', work, 'push', gitea.cloneUrl, 'main'], { env: NO_PROMPT });
  assert.notEqual(anonymous.code, 0, 'a push without the token must be refused');
  assert.equal(receiver.requests.length, 0);

  const pushed = performance.now();
  await pushMain(gitea, work);
  await waitPushRecorded(gitea);
  const branch = await gitea.api('GET', `/repos/${gitea.owner}/${gitea.repo}/branches/main`);
  assert.equal(branch.status, 200, branch.text.slice(0, 200));
  assert.equal((branch.json as { commit: { id: string } }).commit.id, sha);

  const statusPath = `/repos/${gitea.owner}/${gitea.repo}/statuses/${sha}`;
  const target = 'http://127.0.0.1:8080/ui/gitsyncs/team-a/apps';
  for (const state of ['pending', 'success']) {
    const posted = await gitea.api('POST', statusPath, {
      state,
      context: 'gitseal/team-a/apps',
      description: `sync ${state}`,
      target_url: target,
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.json));
  }
  const combined = await gitea.api('GET', `/repos/${gitea.owner}/${gitea.repo}/commits/${sha}/status`);
  assert.equal(combined.status, 200);
  const status = combined.json as CombinedStatus;
  assert.equal(status.sha, sha);
  assert.equal(status.state, 'success');
  assert.equal(status.total_count, 1, 'one context: the newest status per context wins');
  assert.deepEqual(
    status.statuses.map((s) => [s.status, s.context, s.description, s.target_url]),
    [['success', 'gitseal/team-a/apps', 'sync success', target]],
  );
  const anonymousStatus = await fetch(`${gitea.url}/api/v1${statusPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'failure', context: 'gitseal/team-a/apps' }),
  });
  assert.ok([401, 403, 404].includes(anonymousStatus.status), `anonymous status POST: ${anonymousStatus.status}`);

  const delivery = (await receiver.waitFor(1, 15_000))[0];
  assert.ok(delivery);
  t.diagnostic(`push → webhook delivered in ${Math.round(delivery.at - pushed)} ms`);
  assert.equal(delivery.method, 'POST');
  assert.equal(delivery.path, '/hooks/team-a/apps');
  assert.equal(delivery.headers['x-gitea-event'], 'push');
  const expected = createHmac('sha256', secret).update(delivery.body).digest('hex');
  assert.equal(delivery.headers['x-gitea-signature'], expected);
  assert.notEqual(createHmac('sha256', `${secret}x`).update(delivery.body).digest('hex'), expected);
  const payload = JSON.parse(delivery.body) as { ref: string; after: string; repository: { full_name: string } };
  assert.equal(payload.ref, 'refs/heads/main');
  assert.equal(payload.after, sha);
  assert.equal(payload.repository.full_name, `${gitea.owner}/${gitea.repo}`);
  assert.ok(!delivery.body.includes(secret) && !delivery.body.includes(gitea.token), 'no credential in the payload');
});
