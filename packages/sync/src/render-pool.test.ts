import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createGitFixture, type GitFixture } from './git-test-fixture.js';
import { worktreePath } from './git-worktree.js';
import { renderInChild } from './render-in-child.js';
import { RenderPool } from './render-pool.js';
import { SyncError } from './sync-error.js';

const cm = (name: string, value = 'v'): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: ${value}\n`;

const alive = (pid: number | undefined): boolean => {
  try {
    process.kill(pid ?? 0, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number | undefined): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  return !alive(pid);
}

describe('render workers', () => {
  let repo: GitFixture;
  let other: GitFixture;
  let cacheDir: string;
  const sockets: Socket[] = [];
  const hung = createServer((socket) => void sockets.push(socket));
  let hungUrl = '';
  const pools: RenderPool[] = [];
  const pool = (options: ConstructorParameters<typeof RenderPool>[0] = {}): RenderPool => {
    const created = new RenderPool(options);
    pools.push(created);
    return created;
  };

  before(async () => {
    repo = createGitFixture();
    other = createGitFixture();
    cacheDir = mkdtempSync(join(tmpdir(), 'gitseal-render-pool-'));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/repo.git`;
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
    for (const socket of sockets) socket.destroy();
    hung.close();
    repo.remove();
    other.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** A request whose fetch never gets an answer (the server accepts and stays silent). */
  const hanging = (timeoutMs: number, workers: RenderPool) =>
    renderInChild(
      {
        url: hungUrl,
        cacheDir,
        allowHttp: true,
        resolved: { commit: 'a'.repeat(40), fetch: 'refs/heads/main', revision: `main@sha1:${'a'.repeat(40)}` },
      },
      { pool: workers, timeoutMs },
    );

  it('one worker serves revisions of different sources, and its pid stays the same', async () => {
    const workers = pool();
    repo.commit({ 'apps/a.yaml': cm('a') });
    repo.push('main');
    other.commit({ 'b.yaml': cm('b') });
    other.push('main');
    const first = await renderInChild(
      { url: repo.fileUrl, ref: { branch: 'main' }, cacheDir, path: 'apps' },
      { pool: workers },
    );
    const [worker] = workers.workers();
    assert.equal(first.objects.length, 1);
    repo.commit({ 'apps/a.yaml': cm('a', 'two') });
    repo.push('main');
    const second = await renderInChild(
      { url: repo.fileUrl, ref: { branch: 'main' }, cacheDir, path: 'apps' },
      { pool: workers },
    );
    assert.deepEqual(second.objects[0]?.object.data, { k: 'two' });
    const third = await renderInChild({ url: other.fileUrl, ref: { branch: 'main' }, cacheDir }, { pool: workers });
    assert.equal(third.objects[0]?.object.metadata?.name, 'b');
    assert.equal(workers.workers().length, 1);
    assert.equal(workers.workers()[0]?.pid, worker?.pid, 'the same process answered all three');
    assert.ok((workers.workers()[0]?.rssBytes ?? 0) > 10 * 1024 * 1024, 'the worker reports its memory');
  });

  it('a worker killed mid-request fails that request once, with the signal named; the next one gets a new worker', async () => {
    const workers = pool();
    const stuck = hanging(60_000, workers);
    await sleep(300);
    const pid = workers.workers()[0]?.pid;
    process.kill(pid ?? 0, 'SIGKILL');
    await assert.rejects(stuck, (error: unknown) => {
      assert.ok(error instanceof SyncError, String(error));
      assert.equal(error.reason, 'RenderFailed');
      assert.equal(
        error.message,
        'fetch and render: the render process ended unexpectedly (killed by SIGKILL); it is started again for the next sync',
      );
      return true;
    });
    const next = await renderInChild({ url: other.fileUrl, ref: { branch: 'main' }, cacheDir }, { pool: workers });
    assert.equal(next.objects.length, 1);
    assert.notEqual(workers.workers()[0]?.pid, pid);
  });

  it('a request that hangs fails at its timeout and its worker is killed once the others it holds are done', async () => {
    const workers = pool();
    const short = hanging(1_000, workers);
    const long = hanging(4_000, workers);
    const pid = workers.workers()[0]?.pid;
    await assert.rejects(short, /^SyncError: fetch and render took longer than 1s$/);
    assert.ok(alive(pid), 'the worker finishes the request it still holds');
    assert.deepEqual(workers.workers(), [], 'but it takes no new ones');
    await assert.rejects(long, /took longer than 4s/);
    assert.ok(await gone(pid), 'then it is killed, and what hung in it with it');
    const next = await renderInChild({ url: other.fileUrl, ref: { branch: 'main' }, cacheDir }, { pool: workers });
    assert.equal(next.objects.length, 1);
    assert.notEqual(workers.workers()[0]?.pid, pid);
  });

  it('a worker past its memory budget is replaced after its answer', async () => {
    const workers = pool({ maxRssMb: 1 });
    await renderInChild({ url: other.fileUrl, ref: { branch: 'main' }, cacheDir }, { pool: workers });
    const [replacement] = workers.workers();
    const out = await renderInChild({ url: other.fileUrl, ref: { branch: 'main' }, cacheDir }, { pool: workers });
    assert.equal(out.objects.length, 1);
    assert.notEqual(workers.workers()[0]?.pid, replacement?.pid, 'replaced again: always over 1 MiB');
  });

  it('a workspace is updated in place, and an unchanged source folder is answered without a render', async () => {
    const workers = pool();
    const workspace = 'cd'.repeat(16);
    repo.commit({ 'apps/keep.yaml': cm('keep'), 'apps/a.yaml': cm('a', 'three'), 'docs/readme.md': 'x\n' });
    repo.push('main');
    const request = { url: repo.fileUrl, ref: { branch: 'main' }, cacheDir, path: 'apps', workspace };
    const first = await renderInChild(request, { pool: workers });
    const dir = worktreePath(cacheDir, repo.fileUrl, workspace);
    const kept = statSync(join(dir, 'apps', 'keep.yaml'));
    assert.equal(first.objects.length, 2);
    assert.match(first.inputs ?? '', /^v1:path:apps:/);
    repo.commit({ 'apps/a.yaml': cm('a', 'four') });
    repo.push('main');
    const second = await renderInChild({ ...request, reuse: first.inputs ?? '' }, { pool: workers });
    assert.equal(second.unchanged, undefined, 'apps/ changed: rendered');
    assert.deepEqual(second.objects.find((o) => o.object.metadata?.name === 'a')?.object.data, { k: 'four' });
    assert.equal(statSync(join(dir, 'apps', 'keep.yaml')).ino, kept.ino, 'an unchanged file is not rewritten');
    const commit = repo.commit({ 'docs/readme.md': 'y\n' });
    repo.push('main');
    const third = await renderInChild({ ...request, reuse: second.inputs ?? '' }, { pool: workers });
    assert.equal(third.unchanged, true);
    assert.equal(third.revision, `main@sha1:${commit}`);
    assert.deepEqual(third.objects, []);
  });

  it('requests of different isolation keys (namespaces) never share a worker; past `size` the idle one is stopped', async () => {
    const workers = pool({ size: 1 });
    const render = (isolation: string) =>
      renderInChild({ url: other.fileUrl, ref: { branch: 'main' }, cacheDir }, { pool: workers, isolation });
    await render('team-a');
    const a = workers.workers();
    assert.deepEqual(
      a.map((w) => w.isolation),
      ['team-a'],
    );
    await render('team-a');
    assert.equal(workers.workers()[0]?.pid, a[0]?.pid, 'the same key reuses its worker');
    await render('team-b');
    const b = workers.workers();
    assert.deepEqual(
      b.map((w) => w.isolation),
      ['team-b'],
      'size 1: the idle team-a worker was stopped',
    );
    assert.notEqual(b[0]?.pid, a[0]?.pid, 'team-b got a process of its own');
    assert.ok(await gone(a[0]?.pid), "team-a's worker process ended");
  });

  it('past `size` busy workers, a key without one waits: never more render processes than `size`', async () => {
    const workers = pool({ size: 1 });
    const held = hanging(1_500, workers);
    await sleep(200);
    const busy = workers.workers();
    assert.equal(busy.length, 1);
    const started = Date.now();
    const second = renderInChild(
      { url: other.fileUrl, ref: { branch: 'main' }, cacheDir },
      { pool: workers, isolation: 'team-b' },
    );
    await sleep(500);
    assert.deepEqual(
      workers.workers().map((w) => w.isolation),
      [''],
      'team-b has no process while the only one is busy',
    );
    await assert.rejects(held, /took longer than/);
    const out = await second;
    assert.equal(out.objects.length, 1);
    assert.ok(Date.now() - started >= 1_000, 'team-b waited for the busy worker');
    assert.deepEqual(
      workers.workers().map((w) => w.isolation),
      ['team-b'],
    );
    assert.ok(await gone(busy[0]?.pid), 'the timed-out worker ended');
  });

  it("another key's request for a source URL in use waits until that key is done with it", async () => {
    const workers = pool();
    const held = hanging(1_500, workers);
    const started = Date.now();
    const other = renderInChild(
      {
        url: hungUrl,
        cacheDir,
        allowHttp: true,
        resolved: { commit: 'b'.repeat(40), fetch: 'refs/heads/main', revision: `main@sha1:${'b'.repeat(40)}` },
      },
      { pool: workers, timeoutMs: 1_000, isolation: 'team-b' },
    );
    await assert.rejects(held, /took longer than 1\.5s|took longer than 2s/);
    await assert.rejects(other, /took longer than 1s/);
    assert.ok(Date.now() - started >= 2_400, 'team-b started only after the first key was done with the URL');
  });
});
