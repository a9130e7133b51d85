import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGitFixture, startGitHttpServer, type GitFixture } from './git-test-fixture.js';
import { runGit } from './git-command.js';
import {
  cacheRepoPath,
  fetchCommit,
  fetchRevision,
  lsRemote,
  removeCheckout,
  resolveRevision,
  withLocalGit,
} from './git-source.js';
import { SyncError } from './sync-error.js';

function refused(code: string, reason: string, forbidden: string[] = []) {
  return (e: unknown) => {
    assert.ok(e instanceof SyncError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    for (const word of forbidden) assert.ok(!e.message.includes(word), `message leaks ${word}: ${e.message}`);
    return true;
  };
}

describe('git source against real repositories', () => {
  let repo: GitFixture;
  let cacheDir: string;
  const commits: Record<string, string> = {};

  before(() => {
    repo = createGitFixture();
    cacheDir = mkdtempSync(join(tmpdir(), 'gitseal-sync-cache-'));
    commits['first'] = repo.commit({ 'apps/cm.yaml': 'first\n' });
    repo.git('tag', 'v1.0.0');
    commits['second'] = repo.commit({ 'apps/cm.yaml': 'second\n' });
    repo.git('tag', '-a', '-m', 'annotated', 'v1.2.0');
    commits['third'] = repo.commit({ 'apps/cm.yaml': 'third\n' });
    repo.git('tag', 'v1.3.0-rc.1');
    repo.git('tag', 'v2.0.0');
    commits['main'] = repo.commit({ 'apps/cm.yaml': 'main\n', 'README.md': 'hello\n' });
    repo.git('checkout', '--quiet', '-b', 'feature', commits['second'] ?? '');
    commits['feature'] = repo.commit({ 'apps/cm.yaml': 'feature\n' });
    repo.git('checkout', '--quiet', 'main');
    repo.push('refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*');
  });
  after(() => {
    repo.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const content = (dir: string) => readFileSync(join(dir, 'apps/cm.yaml'), 'utf8').trim();

  it('fetches a branch into a fresh checkout of exactly that commit', async () => {
    const got = await fetchRevision({ url: repo.fileUrl, ref: { branch: 'feature' }, cacheDir });
    assert.equal(got.commit, commits['feature']);
    assert.equal(got.revision, `feature@sha1:${commits['feature']}`);
    assert.equal(content(got.checkoutDir), 'feature');
    assert.ok(!existsSync(join(got.checkoutDir, '.git')));
    const again = await fetchRevision({ url: repo.fileUrl, ref: { branch: 'feature' }, cacheDir });
    assert.notEqual(again.checkoutDir, got.checkoutDir);
    await removeCheckout(got.checkoutDir);
    await removeCheckout(again.checkoutDir);
    assert.ok(!existsSync(got.checkoutDir));
  });

  it('defaults to the branch the remote HEAD points at', async () => {
    const got = await fetchRevision({ url: repo.fileUrl, cacheDir });
    assert.equal(got.revision, `main@sha1:${commits['main']}`);
    assert.equal(readFileSync(join(got.checkoutDir, 'README.md'), 'utf8'), 'hello\n');
    await removeCheckout(got.checkoutDir);
  });

  it('fetches lightweight and annotated tags, peeled to their commit', async () => {
    const light = await fetchRevision({ url: repo.fileUrl, ref: { tag: 'v1.0.0' }, cacheDir });
    assert.equal(light.revision, `v1.0.0@sha1:${commits['first']}`);
    assert.equal(content(light.checkoutDir), 'first');
    const annotated = await fetchRevision({ url: repo.fileUrl, ref: { tag: 'v1.2.0' }, cacheDir });
    assert.equal(annotated.commit, commits['second']);
    assert.equal(content(annotated.checkoutDir), 'second');
    await removeCheckout(light.checkoutDir);
    await removeCheckout(annotated.checkoutDir);
  });

  it('picks the highest release tag in a semver range', async () => {
    const one = await fetchRevision({ url: repo.fileUrl, ref: { semver: '^1.0.0' }, cacheDir });
    assert.equal(one.revision, `v1.2.0@sha1:${commits['second']}`);
    const any = await resolveRevision({ url: repo.fileUrl, ref: { semver: '>=1.0.0 <3' } });
    assert.equal(any.revision, `v2.0.0@sha1:${commits['third']}`);
    await assert.rejects(
      resolveRevision({ url: repo.fileUrl, ref: { semver: '^3' } }),
      refused('REF_NOT_FOUND', 'GitFetchFailed'),
    );
    await removeCheckout(one.checkoutDir);
  });

  it('checks out a pinned commit', async () => {
    const got = await fetchRevision({ url: repo.fileUrl, ref: { commit: commits['first'] ?? '' }, cacheDir });
    assert.equal(got.revision, `sha1:${commits['first']}`);
    assert.equal(content(got.checkoutDir), 'first');
    const pinned = await fetchRevision({
      url: repo.fileUrl,
      ref: { branch: 'main', commit: commits['third'] ?? '' },
      cacheDir,
    });
    assert.equal(pinned.revision, `main@sha1:${commits['third']}`);
    assert.equal(content(pinned.checkoutDir), 'third');
    await removeCheckout(got.checkoutDir);
    await removeCheckout(pinned.checkoutDir);
  });

  it('follows a force-push: ls-remote and fetch see the new commit', async () => {
    const before = await resolveRevision({ url: repo.fileUrl, ref: { branch: 'rewrite' } }).catch(() => undefined);
    assert.equal(before, undefined);
    repo.git('checkout', '--quiet', '-b', 'rewrite', commits['first'] ?? '');
    const old = repo.commit({ 'apps/cm.yaml': 'old\n' });
    repo.push('rewrite');
    const first = await fetchRevision({ url: repo.fileUrl, ref: { branch: 'rewrite' }, cacheDir });
    assert.equal(first.commit, old);
    repo.git('reset', '--quiet', '--hard', commits['first'] ?? '');
    const rewritten = repo.commit({ 'apps/cm.yaml': 'rewritten\n' });
    repo.push('+rewrite');
    repo.git('checkout', '--quiet', 'main');
    const refs = await lsRemote(repo.fileUrl);
    assert.equal(refs.refs.find((r) => r.name === 'refs/heads/rewrite')?.commit, rewritten);
    const second = await fetchRevision({ url: repo.fileUrl, ref: { branch: 'rewrite' }, cacheDir });
    assert.notEqual(second.commit, first.commit);
    assert.equal(second.commit, rewritten);
    assert.equal(content(second.checkoutDir), 'rewritten');
    assert.equal(content(first.checkoutDir), 'old');
    await removeCheckout(first.checkoutDir);
    await removeCheckout(second.checkoutDir);
  });

  it('keeps one bare cache repository per URL and runs no hooks in it', async () => {
    const bare = cacheRepoPath(cacheDir, repo.fileUrl);
    assert.ok(existsSync(join(bare, 'HEAD')));
    assert.equal(readdirSync(join(cacheDir, 'repos')).length, 1);
    const marker = join(cacheDir, 'hook-ran');
    mkdirSync(join(bare, 'hooks'), { recursive: true });
    for (const hook of ['reference-transaction', 'post-checkout', 'post-index-change']) {
      const path = join(bare, 'hooks', hook);
      writeFileSync(path, `#!/bin/sh\ntouch '${marker}'\n`);
      chmodSync(path, 0o755);
    }
    // The hooks are live: plain git runs them on a ref update in that repository.
    execFileSync('git', ['--git-dir', bare, 'update-ref', 'refs/probe', commits['main'] ?? ''], {
      env: { PATH: process.env['PATH'] ?? '', HOME: cacheDir, GIT_CONFIG_NOSYSTEM: '1' },
    });
    assert.ok(existsSync(marker), 'probe hook did not run');
    rmSync(marker);
    const got = await fetchRevision({ url: repo.fileUrl, ref: { branch: 'feature' }, cacheDir });
    assert.equal(content(got.checkoutDir), 'feature');
    assert.ok(!existsSync(marker), 'a hook ran');
    await removeCheckout(got.checkoutDir);
  });

  it('refuses refs that look like options before running git', async () => {
    const seen: string[][] = [];
    const onCommand = (args: readonly string[]) => seen.push([...args]);
    for (const ref of [
      { branch: '--upload-pack=touch /tmp/gitseal-pwned' },
      { tag: '-v1' },
      { branch: 'main\nx' },
      { branch: 'a..b' },
      { commit: '--all' },
      { semver: '-1' },
    ]) {
      await assert.rejects(
        fetchRevision({ url: repo.fileUrl, ref, cacheDir, onCommand }),
        refused('INVALID_REF', 'GitFetchFailed'),
      );
    }
    assert.deepEqual(seen, []);
  });

  it('fetches with the ref the caller resolved (no ls-remote), and a commit it fetched already not again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitseal-sync-fetch-once-'));
    const seen: string[] = [];
    const onCommand = (args: readonly string[]) => void seen.push(args.find((a) => !a.startsWith('-')) ?? '');
    const resolved = await resolveRevision({ url: repo.fileUrl, ref: { branch: 'feature' } });
    const input = { url: repo.fileUrl, ref: { branch: 'feature' }, resolved, cacheDir: dir, onCommand };
    const first = await fetchCommit(input);
    assert.equal(first.fetched, true);
    assert.equal(first.revision, `feature@sha1:${commits['feature']}`);
    assert.ok(!seen.includes('ls-remote') && seen.includes('fetch'), seen.join(' '));
    assert.match(first.listing, /\tapps\/cm\.yaml\0/, 'the tree listing, -z');
    seen.length = 0;
    const again = await fetchCommit(input);
    assert.equal(again.fetched, false);
    assert.ok(!seen.includes('fetch'), seen.join(' '));
    rmSync(cacheRepoPath(dir, repo.fileUrl), { recursive: true });
    assert.equal((await fetchCommit(input)).fetched, true, 'a cache made afresh is fetched into');
    rmSync(dir, { recursive: true, force: true });
  });

  it('local plumbing (checkouts) runs with no credentials, for SSH sources too (no known_hosts needed)', async () => {
    const version = await withLocalGit({ url: 'ssh://git@example.com/repo.git', cacheDir }, (git) =>
      runGit(['--version'], { ...git, what: 'version' }),
    );
    assert.match(version, /^git version /);
  });

  it('refuses ext::, fd:: and other transports before running git', async () => {
    const seen: string[][] = [];
    const onCommand = (args: readonly string[]) => seen.push([...args]);
    for (const url of [
      'ext::sh -c touch% /tmp/gitseal-pwned',
      'ext::sh',
      'fd::17',
      '-uhttps://example.com/x',
      '/srv/repo.git',
      'git://example.com/x.git',
      'http://example.com/x.git',
      'ssh://-oProxyCommand=x/y',
    ]) {
      await assert.rejects(lsRemote(url, undefined, { onCommand }), refused('INVALID_URL', 'GitFetchFailed'), url);
    }
    assert.deepEqual(seen, []);
  });

  it('scrubs credentials from URLs and messages; an unreachable remote fails with GitFetchFailed', async () => {
    await assert.rejects(
      lsRemote('https://alice:hunter2-in-url@example.invalid/repo.git'),
      refused('INVALID_URL', 'GitFetchFailed', ['hunter2-in-url', 'alice']),
    );
    const seen: string[][] = [];
    await assert.rejects(
      fetchRevision({
        url: 'http://127.0.0.1:9/nothing.git',
        ref: { branch: 'main' },
        auth: { username: 'bob', password: 'hunter2-password', bearerToken: 'tok-abcdef-secret' },
        cacheDir,
        allowHttp: true,
        onCommand: (args) => seen.push([...args]),
      }),
      refused('GIT_FAILED', 'GitFetchFailed', ['hunter2-password', 'tok-abcdef-secret', 'bob@']),
    );
    assert.ok(seen.length > 0, 'git was run');
    for (const args of seen) {
      const joined = args.join(' ');
      assert.ok(!joined.includes('hunter2') && !joined.includes('tok-abcdef'), `credentials on argv: ${joined}`);
    }
  });

  it('refuses an SSH source without known_hosts', async () => {
    await assert.rejects(
      lsRemote('git@example.com:org/repo.git', { sshPrivateKey: 'KEY' }),
      refused('INVALID_URL', 'GitFetchFailed', ['KEY']),
    );
  });
});

describe('git source over smart HTTP with credentials', () => {
  let repo: GitFixture;
  let cacheDir: string;
  let main: string;

  before(() => {
    repo = createGitFixture();
    cacheDir = mkdtempSync(join(tmpdir(), 'gitseal-sync-cache-'));
    main = repo.commit({ 'apps/cm.yaml': 'over-http\n' });
    repo.push('main');
  });
  after(() => {
    repo.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('sends basic auth from the credential helper, never on argv', async () => {
    const basic = `Basic ${Buffer.from('carol:s3cret-basic-pw').toString('base64')}`;
    const server = await startGitHttpServer(repo.root, basic);
    try {
      const url = `${server.url}/remote.git`;
      const seen: string[][] = [];
      const onCommand = (args: readonly string[]) => seen.push([...args]);
      const got = await fetchRevision({
        url,
        ref: { branch: 'main' },
        auth: { username: 'carol', password: 's3cret-basic-pw' },
        cacheDir,
        allowHttp: true,
        onCommand,
      });
      assert.equal(got.commit, main);
      assert.equal(readFileSync(join(got.checkoutDir, 'apps/cm.yaml'), 'utf8'), 'over-http\n');
      assert.ok(server.seenAuthorization.includes(basic));
      for (const args of seen) assert.ok(!args.join(' ').includes('s3cret'), args.join(' '));
      await removeCheckout(got.checkoutDir);
      await assert.rejects(
        lsRemote(url, { username: 'carol', password: 'wrong-password-xyz' }, { allowHttp: true }),
        refused('GIT_FAILED', 'GitFetchFailed', ['wrong-password-xyz']),
      );
      await assert.rejects(lsRemote(url, undefined, { allowHttp: false }), refused('INVALID_URL', 'GitFetchFailed'));
    } finally {
      await server.close();
    }
  });

  it('sends a bearer token through http.extraHeader in the environment', async () => {
    const bearer = 'Bearer tok-0123456789';
    const server = await startGitHttpServer(repo.root, bearer);
    try {
      const seen: string[][] = [];
      const refs = await lsRemote(
        `${server.url}/remote.git`,
        { bearerToken: 'tok-0123456789' },
        { allowHttp: true, onCommand: (args) => seen.push([...args]) },
      );
      assert.equal(refs.refs.find((r) => r.name === 'refs/heads/main')?.commit, main);
      assert.ok(server.seenAuthorization.includes(bearer));
      for (const args of seen) assert.ok(!args.join(' ').includes('tok-0123456789'));
    } finally {
      await server.close();
    }
  });
});
