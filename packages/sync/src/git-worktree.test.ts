import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fetchCommit } from './git-source.js';
import { createGitFixture } from './git-test-fixture.js';
import { withWorktree, worktreePath } from './git-worktree.js';

describe('persistent worktrees', () => {
  const repo = createGitFixture();
  const cacheDir = mkdtempSync(join(tmpdir(), 'gitseal-worktree-'));
  after(() => {
    repo.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const source = { url: repo.fileUrl, ref: { branch: 'main' }, cacheDir };
  const workspace = 'ef'.repeat(16);
  const dir = worktreePath(cacheDir, repo.fileUrl, workspace);
  /** Commits `files` (null: removed), fetches, and holds the worktree at that commit while `use` runs. */
  const checkOut = async (files: Record<string, string | null>, clean: boolean, use?: () => void): Promise<void> => {
    const entries = Object.entries(files);
    repo.commit(Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== null)));
    for (const [path] of entries.filter(([, content]) => content === null)) repo.git('rm', '--quiet', path);
    repo.commit({});
    repo.push('main');
    const fetched = await fetchCommit(source);
    await withWorktree(source, workspace, fetched, async (worktree) => {
      assert.equal(worktree.dir, dir);
      use?.();
      await worktree.release(clean);
    });
  };

  it('is updated in place: changed files rewritten, unchanged ones left alone, deleted ones removed', async () => {
    await checkOut({ 'keep.yaml': 'keep\n', 'change.yaml': 'one\n', 'gone.yaml': 'x\n' }, true);
    const kept = statSync(join(dir, 'keep.yaml')).ino;
    assert.equal(readFileSync(join(dir, 'gone.yaml'), 'utf8'), 'x\n');
    await checkOut({ 'change.yaml': 'three\n', 'gone.yaml': null }, true);
    assert.equal(readFileSync(join(dir, 'change.yaml'), 'utf8'), 'three\n');
    assert.ok(!existsSync(join(dir, 'gone.yaml')), 'a file gone from the tree is removed');
    assert.equal(statSync(join(dir, 'keep.yaml')).ino, kept, 'an unchanged file is not rewritten');
  });

  it('a file edited in the worktree is put back as the commit has it', async () => {
    await checkOut({ 'change.yaml': 'four\n' }, true);
    writeFileSync(join(dir, 'keep.yaml'), 'tampered\n');
    await checkOut({ 'change.yaml': 'five\n' }, true);
    assert.equal(readFileSync(join(dir, 'keep.yaml'), 'utf8'), 'keep\n');
  });

  it('one not released clean (a chart wrote into it, a crash half way) is checked out afresh next time', async () => {
    await checkOut({ 'change.yaml': 'six\n' }, false, () => writeFileSync(join(dir, 'vendored.yaml'), 'dep\n'));
    assert.ok(existsSync(`${dir}.busy`), 'the marker stays');
    await checkOut({ 'change.yaml': 'seven\n' }, true);
    assert.ok(!existsSync(join(dir, 'vendored.yaml')), 'what was written into it is gone');
    assert.ok(!existsSync(`${dir}.busy`));
    await assert.rejects(
      withWorktree(source, workspace, await fetchCommit(source), async () => {
        throw new Error('render failed');
      }),
      /render failed/,
    );
    assert.ok(existsSync(`${dir}.busy`), 'not released: treated as not clean');
  });

  it('refuses a workspace id that is not hex (no path tricks)', () => {
    assert.throws(() => worktreePath(cacheDir, repo.fileUrl, '../../etc'), /invalid render workspace id/);
  });
});
