import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGitRef, lsRemotePatterns, parseLsRemote, resolveRef } from './ref-resolve.js';
import { SyncError } from './sync-error.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const T = 'f'.repeat(40);
const OUTPUT = [
  `ref: refs/heads/main\tHEAD`,
  `${A}\tHEAD`,
  `${A}\trefs/heads/main`,
  `${B}\trefs/heads/dev`,
  `${T}\trefs/tags/v1.0.0`,
  `${C}\trefs/tags/v1.0.0^{}`,
  `${B}\trefs/tags/v1.1.0`,
  `${A}\trefs/tags/v2.0.0-rc.1`,
  'garbage line',
  '',
].join('\n');

const refused = (code: string) => (e: unknown) =>
  e instanceof SyncError && e.code === code && e.reason === 'GitFetchFailed';

describe('ref resolution', () => {
  const refs = parseLsRemote(OUTPUT);

  it('parses ls-remote output, peeling annotated tags', () => {
    assert.equal(refs.head, 'main');
    assert.deepEqual(
      refs.refs.find((r) => r.name === 'refs/tags/v1.0.0'),
      { name: 'refs/tags/v1.0.0', commit: C },
    );
    assert.equal(refs.refs.length, 6);
  });

  it('resolves branch, tag, semver, commit and the default branch', () => {
    assert.deepEqual(resolveRef(refs, { branch: 'dev' }), {
      commit: B,
      fetch: 'refs/heads/dev',
      revision: `dev@sha1:${B}`,
    });
    assert.deepEqual(resolveRef(refs, { tag: 'v1.0.0' }), {
      commit: C,
      fetch: 'refs/tags/v1.0.0',
      revision: `v1.0.0@sha1:${C}`,
    });
    assert.equal(resolveRef(refs, { semver: '>=1.0.0' }).revision, `v1.1.0@sha1:${B}`);
    assert.equal(resolveRef(refs, { semver: '~1.0' }).revision, `v1.0.0@sha1:${C}`);
    assert.deepEqual(resolveRef({ refs: [] }, { commit: C }), { commit: C, fetch: C, revision: `sha1:${C}` });
    assert.equal(resolveRef({ refs: [] }, { branch: 'main', commit: C }).revision, `main@sha1:${C}`);
    assert.deepEqual(resolveRef(refs, undefined), { commit: A, fetch: 'refs/heads/main', revision: `main@sha1:${A}` });
    assert.equal(resolveRef({ refs: [{ name: 'HEAD', commit: B }] }, {}).revision, `HEAD@sha1:${B}`);
  });

  it('reports missing refs', () => {
    assert.throws(() => resolveRef(refs, { branch: 'nope' }), refused('REF_NOT_FOUND'));
    assert.throws(() => resolveRef(refs, { tag: 'v9' }), refused('REF_NOT_FOUND'));
    assert.throws(() => resolveRef(refs, { semver: '^3' }), refused('REF_NOT_FOUND'));
  });

  it('refuses option-like, malformed and conflicting refs', () => {
    const bad = [
      { branch: '-x' },
      { branch: '--upload-pack=evil' },
      { tag: 'a b' },
      { branch: 'a\u0001' },
      { branch: 'x..y' },
      { branch: 'x.lock' },
      { branch: 'refs/heads/x:y' },
      { branch: 'a/' },
      { commit: 'abc' },
      { commit: A.toUpperCase() },
      { branch: 'a', tag: 'b' },
      { tag: 'v1', commit: A },
    ];
    for (const ref of bad) assert.throws(() => checkGitRef(ref), refused('INVALID_REF'), JSON.stringify(ref));
    for (const ref of [{ branch: 'feature/x-1' }, { tag: 'v1.2.3' }, { commit: A, branch: 'main' }, { semver: '^1' }]) {
      checkGitRef(ref);
    }
  });

  it('lists only what the ref needs', () => {
    assert.deepEqual(lsRemotePatterns({ branch: 'dev' }), { flags: ['--heads'], patterns: ['refs/heads/dev'] });
    assert.deepEqual(lsRemotePatterns({ semver: '^1' }), { flags: ['--tags'], patterns: [] });
    assert.deepEqual(lsRemotePatterns(undefined), { flags: ['--symref'], patterns: ['HEAD'] });
  });
});
