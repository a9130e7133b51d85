import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createGitFixture } from './git-test-fixture.js';
import { parseTreeListing, renderInputsKey } from './render-inputs.js';

describe('renderInputsKey over real tree listings', () => {
  const repo = createGitFixture();
  after(() => repo.remove());
  const listing = (commit: string): string => repo.git('ls-tree', '-r', '-t', '-l', '-z', commit);
  const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

  const first = repo.commit({
    'apps/a.yaml': cm('a'),
    'apps/sub/b.yaml': cm('b'),
    'other/c.yaml': cm('c'),
    'kust/kustomization.yaml': 'resources:\n- ../other/c.yaml\n',
    'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n',
    'chart/templates/cm.yaml': cm('t'),
  });

  it('parses every file and folder with its mode, type and object id', () => {
    const entries = parseTreeListing(listing(first));
    const apps = entries.find((e) => e.path === 'apps');
    assert.equal(apps?.type, 'tree');
    assert.equal(apps?.oid, repo.git('rev-parse', `${first}:apps`));
    assert.ok(entries.some((e) => e.path === 'apps/sub/b.yaml' && e.type === 'blob' && e.mode === '100644'));
  });

  it('a plain folder is keyed by its own tree: a commit elsewhere keeps the key, one inside changes it', () => {
    const key = renderInputsKey(listing(first), 'apps');
    assert.equal(key, `v1:path:apps:${repo.git('rev-parse', `${first}:apps`)}`);
    const elsewhere = repo.commit({ 'other/c.yaml': cm('c2'), 'README.md': 'x\n' });
    assert.equal(renderInputsKey(listing(elsewhere), 'apps'), key);
    assert.equal(renderInputsKey(listing(elsewhere), './apps/'), key, 'the path is normalised first');
    const inside = repo.commit({ 'apps/sub/b.yaml': cm('b2') });
    assert.notEqual(renderInputsKey(listing(inside), 'apps'), key);
    assert.notEqual(renderInputsKey(listing(inside), 'other'), renderInputsKey(listing(inside), 'apps'));
  });

  it('a kustomization is keyed by the whole tree: a change to a file it reaches outside its folder counts', () => {
    const before = repo.commit({});
    const key = renderInputsKey(listing(before), 'kust');
    assert.match(key ?? '', /^v1:root:[0-9a-f]{64}$/);
    const outside = repo.commit({ 'other/c.yaml': cm('c3') });
    assert.notEqual(renderInputsKey(listing(outside), 'kust'), key);
  });

  it('a folder with a symbolic link below it is keyed by the whole tree; the root path too', () => {
    symlinkSync('../other/c.yaml', join(repo.root, 'work', 'apps', 'link.yaml'));
    const linked = repo.commit({});
    assert.match(renderInputsKey(listing(linked), 'apps') ?? '', /^v1:root:/);
    const changed = repo.commit({ 'other/c.yaml': cm('c4') });
    assert.notEqual(renderInputsKey(listing(changed), 'apps'), renderInputsKey(listing(linked), 'apps'));
    assert.match(renderInputsKey(listing(changed), undefined) ?? '', /^v1:root:/);
  });

  it('a chart folder, a missing path and a path that is a link give no key (always rendered)', () => {
    symlinkSync('apps', join(repo.root, 'work', 'alias'));
    const commit = repo.commit({});
    assert.equal(renderInputsKey(listing(commit), 'chart'), undefined);
    assert.equal(renderInputsKey(listing(commit), 'missing'), undefined);
    assert.equal(renderInputsKey(listing(commit), 'alias'), undefined);
    assert.equal(renderInputsKey(listing(commit), 'apps/a.yaml'), undefined, 'a file is not a folder');
  });
});
