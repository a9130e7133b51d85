import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineLooksRemote, isRemoteReference } from './kustomize-remote.js';

describe('isRemoteReference', () => {
  it('flags every form kustomize fetches or clones', () => {
    for (const entry of [
      'https://example.com/x.yaml',
      'http://127.0.0.1:8080/x.yaml',
      'HTTP://127.0.0.1:8080/x.yaml',
      'http:x.yaml',
      'ssh://git@example.com/org/repo.git',
      'file:///etc/repo.git',
      'oci://registry.example/app:1',
      'git::https://example.com/org/repo',
      'git@github.com:org/repo',
      'git@example.com:org/repo.git//overlays/prod?ref=v1',
      'deploy@example.com/org/repo.git',
      'github.com/org/repo',
      'GitHub.com/org/repo//base?ref=main',
      'github.com:org/repo',
      'example.com/org/repo//subdir?ref=v1',
      'example.com:org/repo',
      'dev.azure.com/org/project/_git/repo',
      'gh:org/repo',
      'base?ref=main',
      'base//overlay',
    ]) {
      assert.equal(isRemoteReference(entry), true, entry);
    }
  });

  it('leaves local relative paths alone', () => {
    for (const entry of ['base', '../base', '../../shared/cm.yaml', './a/b.yaml', 'a.b-c_d/e', 'charts.git/x', '.']) {
      assert.equal(isRemoteReference(entry), false, entry);
    }
  });
});

describe('inlineLooksRemote', () => {
  it('flags inline text that starts like a git URL, not YAML that merely holds one', () => {
    assert.equal(inlineLooksRemote('apiVersion: builtin\nkind: PatchTransformer\n'), false);
    assert.equal(inlineLooksRemote('{apiVersion: builtin, kind: X, metadata: {name: "https://x"}}'), false);
    assert.equal(inlineLooksRemote('git@example.com:org/repo.git: 1\nkind: X\n'), true);
    assert.equal(inlineLooksRemote('  https://example.com/x: 1\n'), true);
    assert.equal(inlineLooksRemote('github.com/org/repo: 1\n'), true);
  });
});
