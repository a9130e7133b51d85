import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { removeUnusedGitCaches } from './git-cache-gc.js';
import { treeBytes } from './git-cache-size.js';
import { cacheRepoPath } from './git-source.js';
import { worktreePath } from './git-worktree.js';

test('removeUnusedGitCaches removes the cached repositories no URL in use maps to, and only those', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gitseal-gc-'));
  try {
    for (const url of ['https://a.example/x.git', 'https://b.example/y.git']) {
      mkdirSync(join(cacheRepoPath(dir, url), 'objects'), { recursive: true });
      mkdirSync(worktreePath(dir, url, 'ab'.repeat(16)), { recursive: true });
    }
    mkdirSync(join(dir, 'repos', 'not-a-repo'));
    const removed = await removeUnusedGitCaches(dir, ['https://a.example/x.git']);
    assert.equal(removed.length, 1);
    assert.ok(existsSync(cacheRepoPath(dir, 'https://a.example/x.git')));
    assert.ok(!existsSync(cacheRepoPath(dir, 'https://b.example/y.git')));
    assert.equal(readdirSync(join(dir, 'repos')).length, 2, 'the used repository and the non-repository stay');
    assert.ok(existsSync(worktreePath(dir, 'https://a.example/x.git', 'ab'.repeat(16))));
    assert.ok(!existsSync(worktreePath(dir, 'https://b.example/y.git', 'ab'.repeat(16))), 'its worktrees go too');
    assert.deepEqual(await removeUnusedGitCaches(join(dir, 'missing'), []), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('treeBytes adds up the blob sizes of git ls-tree -r -l', () => {
  const listing = [
    '100644 blob 0123456789abcdef0123456789abcdef01234567     120\ta.yaml',
    '100755 blob 0123456789abcdef0123456789abcdef01234568 2000000\tbin/tool',
    '160000 commit 0123456789abcdef0123456789abcdef01234569       -\tsub',
    '',
  ].join('\n');
  assert.equal(treeBytes(listing), 2_000_120);
  assert.equal(treeBytes(listing.replaceAll('\n', '\0')), 2_000_120, 'ls-tree -z output too');
});
